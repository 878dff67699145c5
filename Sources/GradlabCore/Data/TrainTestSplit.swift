/// Train/test indices exactly as scikit-learn's
/// `train_test_split(np.arange(n), test_size=..., random_state=seed)`.
///
/// scikit-learn draws `RandomState(seed).permutation(n)`; the test set is its
/// first `ceil(testSize * n)` entries and the training set the rest, both in
/// permutation order (which is also the order SGD visits the samples).
public struct TrainTestSplit: Sendable, Equatable {
    public var train: [Int]
    public var test: [Int]

    public init(train: [Int], test: [Int]) {
        self.train = train
        self.test = test
    }

    /// - Parameters:
    ///   - count: number of samples.
    ///   - testSize: fraction in (0, 1) of samples held out.
    ///   - seed: scikit-learn's `random_state`.
    public init(count: Int, testSize: Double, seed: UInt32) {
        var rng = MersenneTwister(seed: seed)
        let order = rng.permutation(count)
        let testCount = min(count, Int((testSize * Double(count)).rounded(.up)))
        test = Array(order[..<testCount])
        train = Array(order[testCount...])
    }
}

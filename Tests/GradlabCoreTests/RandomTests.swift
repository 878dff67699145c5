import Foundation
import Testing
import GradlabTestSupport
@testable import GradlabCore

@Suite("NumPy-compatible randomness")
struct RandomTests {
    @Test func uniformMatchesNumPyRandomState() {
        var rng = MersenneTwister(seed: 0)
        // np.random.RandomState(0).rand(3)
        #expect(rng.uniform() == 0.5488135039273248)
        #expect(rng.uniform() == 0.7151893663724195)
        #expect(rng.uniform() == 0.6027633760716439)
    }

    @Test func standardNormalMatchesNumPyPolarMethod() {
        var rng = MersenneTwister(seed: 0)
        _ = (rng.uniform(), rng.uniform(), rng.uniform())
        // ...then .standard_normal(3): the cached second value is used.
        #expect(rng.standardNormal() == -2.268328201180374)
        #expect(rng.standardNormal() == 1.3335453816218967)
        #expect(rng.standardNormal() == -0.8427240538292873)
    }

    @Test func permutationMatchesNumPy() {
        var rng = MersenneTwister(seed: 7)
        #expect(rng.permutation(10) == [8, 5, 0, 2, 1, 9, 7, 3, 6, 4])
    }

    @Test func splitsMatchScikitLearnExactly() throws {
        let reference = try Fixtures.reference("splits")
        let splits = try #require(reference["splits"] as? [[String: Any]])
        #expect(splits.count == 3)
        for case let split in splits {
            let n = try #require(split["n"] as? Int)
            let testSize = try #require(split["testSize"] as? Double)
            let seed = try #require(split["randomState"] as? Int)
            let made = TrainTestSplit(count: n, testSize: testSize, seed: UInt32(seed))
            #expect(made.train == split["trainIndices"] as? [Int], "seed \(seed)")
            #expect(made.test == split["testIndices"] as? [Int], "seed \(seed)")
        }
    }
}

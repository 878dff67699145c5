import GradlabMath

/// Example 1: many points descending f(x1, x2), each with its own gradient.
///
/// Points live in one buffer, one block per optimizer group (one group unless
/// `--compare`): a group's x1 values, then its x2 values, so the Program
/// reads them as two lane arrays and the group's optimizer updates the block
/// as one flat array. One epoch = one optimizer step for every point.
final class LandscapeLab<T: ProgramScalar>: TrainableLab<T>, Lab {
    private let program: Program
    /// f at every point, stored only when the record's summary needs it.
    private let values: UnsafeMutablePointer<T>
    /// The kernels' Double sums of f and the gradient, per group.
    private let sums: UnsafeMutablePointer<Double>
    /// Points per group.
    private let count: Int
    private let groupCount: Int

    init(_ config: LabConfig) throws(GradlabError) {
        let expression = try parseLabExpression(config.function, variables: ["x1", "x2"], flag: "--f")
        program = Program.valueAndGradient(of: expression, inputs: ["x1", "x2"], respect: ["x1", "x2"])
        let n = config.starts?.count ?? config.points
        let groups = config.groups.count
        count = n
        groupCount = groups
        values = .allocate(capacity: max(n * groups, 1))
        values.initialize(repeating: 0, count: max(n * groups, 1))
        sums = .allocate(capacity: 3)
        sums.initialize(repeating: 0, count: 3)
        super.init(config: config, parameterCount: 2 * n * groups,
                   groupRanges: (0..<groups).map { ($0 * 2 * n)..<(($0 + 1) * 2 * n) })
        if let starts = config.starts {
            for (i, start) in starts.enumerated() {
                buffers.values[i] = T(start[0])
                buffers.values[n + i] = T(start[1])
            }
        } else {
            // Straight into the buffer: 10 M points as [[Double]] would be 10 M arrays.
            LandscapeLab.generateStarts(into: buffers.values, count: n, domain: config.domain, seed: config.seed)
        }
        for g in 1..<max(groups, 1) {
            (buffers.values + g * 2 * n).update(from: buffers.values, count: 2 * n)
        }
    }

    deinit {
        values.deallocate()
        sums.deallocate()
    }

    /// `np.random.seed(seed); np.random.rand(n, 2)` scaled to the domain,
    /// written as all x1 values then all x2 values.
    static func generateStarts(into values: UnsafeMutablePointer<T>, count: Int, domain: [Double], seed: UInt32) {
        var rng = MersenneTwister(seed: seed)
        for i in 0..<count {
            let u1 = rng.uniform(), u2 = rng.uniform()
            values[i] = T(domain[0] + (domain[1] - domain[0]) * u1)
            values[count + i] = T(domain[2] + (domain[3] - domain[2]) * u2)
        }
    }

    /// Computes f and the gradient at every point; returns each group's mean
    /// of f, summed by the kernels in one sweep (f itself is stored only when
    /// the record's summary needs it).
    private func evaluate() -> [Double] {
        let storeValues = count > config.trackedPoints
        return (0..<groupCount).map { g in
            let block = buffers.values + g * 2 * count
            let gradients = buffers.gradients + g * 2 * count
            program.run(
                count: count,
                inputs: [.lanes(UnsafePointer(block)), .lanes(UnsafePointer(block + count))],
                outputs: [storeValues ? values + g * count : nil, gradients, gradients + count],
                sums: sums
            )
            return sums[0] / Double(count)
        }
    }

    func startRecord() -> EpochRecord {
        record(groupLoss: evaluate(), lr: nil)
    }

    func runEpoch() -> EpochRecord {
        let groupLoss = evaluate()
        let lr = learningRate
        stepParameters()
        finishEpoch()
        return record(groupLoss: groupLoss, lr: config.schedule == nil ? nil : lr)
    }

    private func record(groupLoss: [Double], lr: Double?) -> EpochRecord {
        let tracked = min(count, config.trackedPoints)
        var points: [SIMD2<Double>] = []
        points.reserveCapacity(tracked * groupCount)
        for g in 0..<groupCount {
            let block = buffers.values + g * 2 * count
            for i in 0..<tracked { points.append(SIMD2(Double(block[i]), Double(block[count + i]))) }
        }
        let loss = groupLoss.reduce(0, +) / Double(groupCount)
        // Under --compare one optimizer blowing up is a result worth watching:
        // the run diverges only when every group has.
        let diverged = groupCount > 1
            ? groupLoss.allSatisfy { !$0.isFinite }
            : !loss.isFinite || !points.allSatisfy { $0.x.isFinite && $0.y.isFinite }
        // Points beyond the tracked ones are described by statistics only.
        let summary = groupCount == 1 && count > tracked
            ? PointSummary.of(values: values, positions: buffers.values, count: count) : nil
        return EpochRecord(epoch: epoch, loss: loss, points: points, diverged: diverged,
                           groupLoss: groupCount > 1 ? groupLoss : nil, lr: lr, summary: summary)
    }

    func inspect(selectedPoint: Int) -> LabInspection {
        let total = count * groupCount
        let index = min(max(selectedPoint, 0), max(total - 1, 0))
        let g = index / max(count, 1), i = index % max(count, 1)
        let start = g * 2 * count
        let inputs = [buffers.values[start + i], buffers.values[start + count + i]]
        return LabInspection(
            epoch: epoch,
            parameters: buffers.inspect([start + i, start + count + i], names: ["x1", "x2"], optimizer: optimizers[g], groupStart: start),
            gradientNorm: buffers.gradientNorm(),
            optimizerSteps: optimizers[g].stepCount,
            selectedPoint: index,
            pointCount: total,
            valueAtSelected: Double(program.evaluate(inputs)[0]),
            group: groupCount > 1 ? optimizers[g].config.summary : nil
        )
    }

    var dataset: LabDataset { .empty }

    var checkpointParameters: [NamedValues] { namedParameters(["x1", "x2"]) }

    func restore(_ checkpoint: LoadedCheckpoint) throws(GradlabError) {
        guard groupCount == 1 else { throw GradlabError("--load cannot be combined with --compare") }
        try restore(checkpoint, names: ["x1", "x2"])
    }
}

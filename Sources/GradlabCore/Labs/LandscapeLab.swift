import GradlabMath

/// Example 1: many points descending f(x1, x2), each with its own gradient.
///
/// Points live in one buffer, one block per optimizer group (one group unless
/// `--compare`): a group's x1 values, then its x2 values, so the Program
/// reads them as two lane arrays and the group's optimizer updates the block
/// as one flat array. One epoch = one optimizer step for every point.
final class LandscapeLab<T: ProgramScalar>: TrainableLab<T>, Lab {
    private let program: Program
    /// The kernels' Double sums of f and the gradient.
    private let sums: UnsafeMutablePointer<Double>
    /// Points per group.
    private let count: Int
    private let groupCount: Int
    /// Per chunk of a group's points: what the sweep keeps of it.
    private let chunkCount: Int
    private let chunkStatistics: UnsafeMutablePointer<ChunkStatistics>
    /// Each group's x1 and x2 lanes, as the Program's inputs (built once, so
    /// an epoch does not allocate them).
    private var groupInputs: [[ProgramInput<T>]] = []
    /// The one output an epoch sums: f.
    private let summed: Set<Int> = [0]
    /// The norm of every point's gradient at the last sweep, for the
    /// inspector; NaN when the lab does not measure it (headless runs).
    private var gradientNorm = Double.nan

    init(_ config: LabConfig) throws(GradlabError) {
        let expression = try parseLabExpression(config.function, variables: ["x1", "x2"], flag: "--f")
        program = Program.valueAndGradient(of: expression, inputs: ["x1", "x2"], respect: ["x1", "x2"])
        let n = config.starts?.count ?? config.points
        let groups = config.groups.count
        count = n
        groupCount = groups
        let chunkLanes = Program.chunkLanes(T.self)
        chunkCount = max((n + chunkLanes - 1) / chunkLanes, 1)
        chunkStatistics = .allocate(capacity: chunkCount)
        chunkStatistics.initialize(repeating: ChunkStatistics(), count: chunkCount)
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
        groupInputs = (0..<groups).map { g in
            let block = UnsafePointer(buffers.values + g * 2 * n)
            return [.lanes(block), .lanes(block + n)]
        }
    }

    deinit {
        chunkStatistics.deallocate()
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

    /// One sweep over every group's points: f and the gradient at each
    /// point, and with `stepping` the optimizer's update, all while a chunk
    /// of points is in cache (plain SGD inside the kernels, any other
    /// optimizer in the run's per-chunk hook). Nothing per point is stored
    /// but the parameters and the optimizer's state; besides them, the
    /// gradients of the tracked points (which the inspector shows), each
    /// chunk's ``ChunkStatistics``, and the kernels' sum of f, whose mean is
    /// each group's loss.
    private func sweep(stepping: Bool) -> (groupLoss: [Double], summary: PointSummary?) {
        let tracked = min(count, config.trackedPoints)
        let summarizing = summarizesPoints && groupCount == 1 && count > tracked
        let measuringNorm = measuresForInspector
        var norm = 0.0
        var groupLoss: [Double] = []
        for g in 0..<groupCount {
            let update = stepping ? optimizers[g].beginStep(count: 2 * count) : nil
            let descent = buffers.tracksSteps ? nil : update?.descentStep
            let hookUpdate = descent == nil ? update : nil
            let groupStart = g * 2 * count
            nonisolated(unsafe) let (buffers, statistics) = (self.buffers, chunkStatistics)
            let count = self.count
            nonisolated(unsafe) let block = buffers.values + groupStart
            program.run(
                count: count,
                inputs: groupInputs[g], outputs: [nil, nil, nil], sums: sums, summed: summed,
                descent: descent.map { ProgramDescent(step: $0, pairs: [(0, 1), (1, 2)]) }
            ) { chunk in
                let start = chunk.lanes.lowerBound, n = chunk.lanes.count
                let (f, g1, g2) = (chunk.output(0), chunk.output(1), chunk.output(2))
                if let hookUpdate {
                    buffers.apply(hookUpdate, at: groupStart + start, offset: start, gradients: g1, count: n)
                    buffers.apply(hookUpdate, at: groupStart + count + start, offset: count + start, gradients: g2, count: n)
                }
                if start < tracked {
                    let kept = min(n, tracked - start)
                    (buffers.gradients + groupStart + start).update(from: g1, count: kept)
                    (buffers.gradients + groupStart + count + start).update(from: g2, count: kept)
                }
                guard summarizing || measuringNorm else { return }
                var part = ChunkStatistics()
                if summarizing {
                    let (low, high, sawNaN) = LaneReductions.extremes(f, count: n)
                    (part.fMin, part.fMax, part.sawNaN) = (Double(low), Double(high), sawNaN)
                    part.positionSum = SIMD2(LaneReductions.sum(block + start, count: n),
                                             LaneReductions.sum(block + count + start, count: n))
                }
                if measuringNorm { part.gradientSquares = LaneReductions.sumOfSquares(g1, g2, count: n) }
                statistics[chunk.index] = part
            }
            groupLoss.append(sums[0] / Double(count))
            if measuringNorm {
                for c in 0..<chunkCount { norm += chunkStatistics[c].gradientSquares }
            }
        }
        gradientNorm = measuringNorm ? norm.squareRoot() : .nan
        let summary = summarizing ? PointSummary.combining(chunkStatistics, chunks: chunkCount, count: count) : nil
        return (groupLoss, summary)
    }

    // Reached through `any Lab`: without these the generic body runs, and the
    // tracked points' conversions to Double went through generic code (7% of
    // a 100,000-point run).
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func startRecord() -> EpochRecord {
        let (groupLoss, summary) = sweep(stepping: false)
        return record(groupLoss: groupLoss, lr: nil, summary: summary)
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func runEpoch() -> EpochRecord {
        let lr = learningRate
        let (groupLoss, summary) = sweep(stepping: true)
        finishEpoch()
        return record(groupLoss: groupLoss, lr: config.schedule == nil ? nil : lr, summary: summary)
    }

    private func record(groupLoss: [Double], lr: Double?, summary: PointSummary?) -> EpochRecord {
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
            gradientNorm: gradientNorm,
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

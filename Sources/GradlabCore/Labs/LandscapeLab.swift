import GradlabDevice
import GradlabMath

/// Example 1: many points descending f(x1, x2), each with its own gradient.
///
/// Points live in one device buffer, one block per optimizer group (one
/// group unless `--compare`): a group's x1 values, then its x2 values, so
/// the Program reads them as two lane arrays and the group's optimizer
/// updates the block as one flat array. One epoch = one optimizer step for
/// every point, as one sweep per group (``sweep(group:stepping:)``).
final class LandscapeLab<T: ProgramScalar>: TrainableLab<T>, Lab {
    private let program: Program
    /// f, ∇f and the Hessian, for Newton's groups (built when one asks).
    private let expression: GradlabMath.Expression
    private lazy var hessianProgram = Program.valueGradientHessian(of: expression, inputs: ["x1", "x2"], respect: ["x1", "x2"])
    /// Points per group.
    private let count: Int
    private let groupCount: Int
    /// The norm of every point's gradient at the last sweep, for the
    /// inspector; NaN when the lab does not measure it (headless runs).
    private var gradientNorm = Double.nan
    /// Each group's share of it (its own points' gradient), for the
    /// inspector under `--compare`; empty when not measured.
    private var groupGradientNorms: [Double] = []

    init(_ config: LabConfig, device: any ComputeDevice) throws(GradlabError) {
        let expression = try parseLabExpression(config.function, variables: ["x1", "x2"], flag: "--f")
        program = Program.valueAndGradient(of: expression, inputs: ["x1", "x2"], respect: ["x1", "x2"])
        self.expression = expression
        let n = config.starts?.count ?? config.points
        let groups = config.groups.count
        try Self.checkMemory(points: n, groups: groups, device: device)
        count = n
        groupCount = groups
        try super.init(config: config, parameterCount: 2 * n * groups,
                       groupRanges: (0..<groups).map { ($0 * 2 * n)..<(($0 + 1) * 2 * n) }, device: device)
        try writeStarts()
    }

    /// Refuses a point count the machine cannot hold, naming both numbers
    /// (1e9 points were OOM-killed after 88 s; 4e9 aborted in the allocator;
    /// larger counts overflowed the size). The CPU device checks each
    /// allocation too; this says it in terms of `--points`, before any.
    private static func checkMemory(points n: Int, groups: Int, device: any ComputeDevice) throws(GradlabError) {
        let (values, overflow) = n.multipliedReportingOverflow(by: 2 * groups)
        let (bytes, overflowBytes) = values.multipliedReportingOverflow(by: MemoryLayout<T>.stride)
        guard !overflow, !overflowBytes else {
            throw GradlabError("--points \(n): far too many points (their coordinates would take more bytes than a 64-bit size holds)")
        }
        guard device.description.kind == .cpu, let available = SystemMemory.available(), bytes > available.bytes else { return }
        let what = "\(T.self == Float.self ? "f32" : "f64")\(groups > 1 ? ", \(groups) --compare groups" : "")"
        throw GradlabError("--points \(n): the points alone need \(SystemMemory.format(bytes)) (\(what)), \(SystemMemory.format(available.bytes)) of memory available (\(available.source))")
    }

    /// Newton's direction per point (``Newton``): d = |H|⁻¹ ∇f, the Hessian
    /// with each eigenvalue λ replaced by max(|λ|, damping), in closed form
    /// for 2×2: H = m·I + r·R with R² = I, so |H|⁻¹ = α·I + (β/r)·(H − m·I),
    /// α and β the mean and half-difference of the two inverted eigenvalues.
    /// Outputs in: f, g1, g2, H11, H12, H21, H22.
    private static func newtonDirection(_ c: inout ProgramComposer, _ o: [ProgramValue], damping: Double)
        -> [(name: String, value: ProgramValue, gradient: ProgramValue)] {
        let (g1, g2, h11, h12, h22) = (o[1], o[2], o[3], o[4], o[6])
        let half = c.constant(0.5), floor = c.constant(damping)
        let mean = c.binary(.multiply, c.binary(.add, h11, h22), half)
        let spread = c.binary(.multiply, c.binary(.subtract, h11, h22), half)
        let radius = c.unary(.sqrt, c.binary(.add, c.binary(.multiply, spread, spread), c.binary(.multiply, h12, h12)))
        func inverted(_ lambda: ProgramValue) -> ProgramValue {
            c.binary(.divide, c.constant(1), c.binary(.maximum, c.unary(.abs, lambda), floor))
        }
        let upper = inverted(c.binary(.add, mean, radius)), lower = inverted(c.binary(.subtract, mean, radius))
        let alpha = c.binary(.multiply, c.binary(.add, upper, lower), half)
        // β/r; where r = 0 (H = m·I) the term it multiplies is 0 too.
        let beta = c.binary(.divide, c.binary(.multiply, c.binary(.subtract, upper, lower), half),
                            c.binary(.maximum, radius, c.constant(Double.leastNormalMagnitude)))
        let d1 = c.binary(.add, c.binary(.multiply, alpha, g1),
                          c.binary(.multiply, beta, c.binary(.add, c.binary(.multiply, spread, g1), c.binary(.multiply, h12, g2))))
        let d2 = c.binary(.add, c.binary(.multiply, alpha, g2),
                          c.binary(.multiply, beta, c.binary(.subtract, c.binary(.multiply, h12, g1), c.binary(.multiply, spread, g2))))
        return [("x1", c.input("x1"), d1), ("x2", c.input("x2"), d2)]
    }

    /// Writes the start points into every group's block: the config's
    /// starts, or `np.random.seed(seed); np.random.rand(n, 2)` scaled to the
    /// domain, as all x1 values then all x2 values; in slices, so that 10 M
    /// points never exist twice in memory, each slice drawn once and written
    /// to every group (all groups start from the same points).
    private func writeStarts() throws(GradlabError) {
        let n = count, slice = 1 << 16
        var rng = MersenneTwister(seed: config.seed)
        let domain = config.domain
        var x1 = [T](), x2 = [T]()
        x1.reserveCapacity(min(n, slice))
        x2.reserveCapacity(min(n, slice))
        var start = 0
        while start < n {
            let end = min(start + slice, n)
            x1.removeAll(keepingCapacity: true)
            x2.removeAll(keepingCapacity: true)
            for i in start..<end {
                if let starts = config.starts {
                    x1.append(T(starts[i][0]))
                    x2.append(T(starts[i][1]))
                } else {
                    let u1 = rng.uniform(), u2 = rng.uniform()
                    x1.append(T(domain[0] + (domain[1] - domain[0]) * u1))
                    x2.append(T(domain[2] + (domain[3] - domain[2]) * u2))
                }
            }
            let (device, parameters, groups) = (self.device, self.parameters, groupCount)
            try onDevice { () throws(DeviceError) in
                for g in 0..<groups {
                    try device.write(x1, to: parameters, at: g * 2 * n + start)
                    try device.write(x2, to: parameters, at: g * 2 * n + n + start)
                }
            }
            start = end
        }
    }

    /// What the sweeps reduce, by what the lab's observers read.
    private var tracked: Int { min(count, config.trackedPoints) }
    /// Whether each group's points get a summary (one per group under `--compare`).
    private var summarizing: Bool { summarizesPoints && count > tracked }

    /// Group `g`'s sweep: f and ∇f at every point, with `stepping` the
    /// optimizer's update of the points and their state in place, all in one
    /// pass while a chunk of points is in cache. It sums f (each group's
    /// loss is its mean), copies the tracked points' gradients out, and, as
    /// the observers want, the extremes of f and the sum of the new positions
    /// (the run file's summary) and the squares of the gradient (the
    /// inspector's norm).
    private func sweep(group g: Int, stepping: Bool) throws(GradlabError) -> (UpdateEmission?, Sweep<T>) {
        let n = count, block = g * 2 * count
        let (summarizing, measuring, tracked) = (self.summarizing, measuresForInspector, self.tracked)
        let newton = stepping && groups[g].config.kind == .newton
        var base = ProgramComposer(extending: newton ? hessianProgram : program)
        let inputs = (x1: base.input("x1"), x2: base.input("x2"))
        let outputs = base.baseOutputs
        let baseInputs: [String: SweepInput<T>] = ["x1": .lanes(parameters, offset: block), "x2": .lanes(parameters, offset: block + n)]
        var baseOutputs: [(name: String, value: ProgramValue, output: SweepOutput<T>)] = [
            ("f", outputs[0], .discard), ("df/dx1", outputs[1], .discard), ("df/dx2", outputs[2], .discard),
        ]
        func reduce(_ sweep: inout Sweep<T>, positions: (Int, Int)) {
            sweep.summed = [0]
            if summarizing {
                sweep.extremesOf = 0
                sweep.summed += [positions.0, positions.1]
            }
            if measuring { sweep.squaresOf = [1, 2] }
            // The tracked points' positions (after the step): each epoch's
            // record reads them.
            sweep.copied = [positions.0, positions.1]
            sweep.copiedLanes = tracked
        }
        guard stepping else {
            // The start: positions as they are.
            baseOutputs += [("x1", inputs.x1, .discard), ("x2", inputs.x2, .discard)]
            let program = base.program(outputs: baseOutputs.map { ($0.name, $0.value) })
            var sweep = Sweep(program: program, lanes: n, inputs: program.inputs.compactMap { baseInputs[$0] },
                              outputs: baseOutputs.map(\.output))
            reduce(&sweep, positions: (3, 4))
            return (nil, sweep)
        }
        let steps = lastSteps.map { (buffer: $0, offset: block) }
        let places = [
            ParameterPlace(buffer: parameters, offset: block, perLane: true, stateOffset: 0, steps: steps),
            ParameterPlace(buffer: parameters, offset: block + n, perLane: true, stateOffset: n, steps: steps.map { ($0.buffer, $0.offset + n) }),
        ]
        // Newton steps along its direction; every other rule along ∇f. (Before
        // `base` is handed on: the direction's instructions are added to it.)
        let updated = newton ? Self.newtonDirection(&base, outputs, damping: groups[g].config.damping)
            : [("x1", inputs.x1, outputs[1]), ("x2", inputs.x2, outputs[2])]
        let made = try updateSweep(
            group: g, variant: groups[g].nextVariant, base: base,
            parameters: updated,
            baseInputs: baseInputs, baseOutputs: baseOutputs, places: places, lanes: n, mode: .parallel)
        var sweep = made.1
        // The new positions' outputs: after the base's three.
        let moved = (made.0?.outputs ?? []).enumerated().compactMap { index, output -> (Int, Int)? in
            if case .parameter(let j) = output.role { return (j, baseOutputs.count + index) }
            return nil
        }.sorted { $0.0 < $1.0 }.map(\.1)
        reduce(&sweep, positions: (moved[0], moved[1]))
        return (made.0, sweep)
    }

    /// The longest epoch block this lab runs at once: 16 epochs read and
    /// write the points and their optimizer state once instead of 16 times,
    /// while the chunk tables and copies it keeps stay small.
    static var epochBlockLimit: Int { 16 }

    /// Runs every group's sweep for `epochs` epochs (the start's sweep when
    /// not `stepping`), as one epoch block when more than one, and returns
    /// each epoch's record; keeps what the inspector reads of the last.
    /// Every group's update must take one form for all `epochs`.
    private func sweepAll(stepping: Bool, epochs: Int = 1) throws(GradlabError) -> [EpochRecord] {
        var prepared: [LabSweep<T>] = []
        for g in 0..<groupCount {
            let variant = stepping ? groups[g].nextVariant : -1
            let role: SweepKey.Role = stepping ? .epoch(summarizing: summarizing, measuring: measuresForInspector)
                : .start(summarizing: summarizing, measuring: measuresForInspector)
            let key = SweepKey(role: role, group: g, variant: variant)
            prepared.append(try self.prepared(key) { () throws(GradlabError) in try sweep(group: g, stepping: stepping) })
        }
        // The host's part of each epoch first (scalars, step counts, the
        // schedule), as the epochs one by one would take it.
        var scalars = [[[Double]]](repeating: [], count: groupCount)
        var rates: [Double?] = []
        var numbers: [Int] = []
        for _ in 0..<epochs {
            rates.append(stepping && schedule != nil ? learningRate : nil)
            for g in 0..<groupCount {
                scalars[g].append(nextScalars(prepared[g].emission, group: g))
                if stepping { groups[g].advance() }
            }
            if stepping { finishEpoch() }
            numbers.append(epoch)
        }
        var results: [[SweepResult<T>]] = []
        for g in 0..<groupCount {
            let (device, sweep, rows) = (self.device, prepared[g].sweep, scalars[g])
            results.append(try onDevice { () throws(DeviceError) in try device.runBlock(sweep, scalars: rows) })
        }
        var records: [EpochRecord] = []
        records.reserveCapacity(epochs)
        for e in 0..<epochs {
            var norm = 0.0
            var groupNorms: [Double] = []
            var groupLoss: [Double] = []
            var summaries: [PointSummary] = []
            var points: [SIMD2<Double>] = []
            points.reserveCapacity(tracked * groupCount)
            for g in 0..<groupCount {
                let result = results[g][e]
                groupLoss.append(result.sums[0] / Double(count))
                if let squares = result.squares {
                    norm += squares
                    groupNorms.append(squares.squareRoot())
                }
                let swept = prepared[g].sweep.sweep
                if summarizing, swept.summed.count == 3 {
                    summaries.append(PointSummary.combining(extremes: result.extremes,
                                                            positionSums: SIMD2(result.sums[swept.summed[1]], result.sums[swept.summed[2]]), count: count))
                }
                let (x1, x2) = (result.copied[0], result.copied[1])
                for i in 0..<tracked { points.append(SIMD2(Double(x1[i]), Double(x2[i]))) }
            }
            if e == epochs - 1 {
                gradientNorm = measuresForInspector ? norm.squareRoot() : .nan
                groupGradientNorms = measuresForInspector && groupNorms.count == groupCount ? groupNorms : []
            }
            records.append(record(epoch: numbers[e], groupLoss: groupLoss, points: points, lr: rates[e],
                                  summaries: summaries.count == groupCount ? summaries : []))
        }
        return records
    }

    // Reached through `any Lab`: without these the generic body runs.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func startRecord() throws(GradlabError) -> EpochRecord {
        try sweepAll(stepping: false)[0]
    }

    // Reached through `any Lab`: without these the generic body runs.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func runEpoch() throws(GradlabError) -> EpochRecord {
        try sweepAll(stepping: true)[0]
    }

    /// Up to `count` epochs as one epoch block (at most ``epochBlockLimit``,
    /// and only as many as every group's update takes one form for: SGD's
    /// first momentum step is a block of its own).
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func runEpochs(upTo count: Int) throws(GradlabError) -> [EpochRecord] {
        var epochs = min(max(count, 1), Self.epochBlockLimit)
        for group in groups { epochs = min(epochs, group.stepsOfNextForm(limit: epochs)) }
        return try sweepAll(stepping: true, epochs: epochs)
    }

    private func record(epoch: Int, groupLoss: [Double], points: [SIMD2<Double>], lr: Double?, summaries: [PointSummary]) -> EpochRecord {
        let loss = groupLoss.reduce(0, +) / Double(groupCount)
        // Under --compare one optimizer blowing up is a result worth watching:
        // the run diverges only when every group has.
        let diverged = groupCount > 1
            ? groupLoss.allSatisfy { !$0.isFinite }
            : !loss.isFinite || !points.allSatisfy { $0.x.isFinite && $0.y.isFinite }
        // Points beyond the tracked ones are described by statistics only:
        // under --compare each group's own, as its loss is.
        return EpochRecord(epoch: epoch, loss: loss, points: points, diverged: diverged,
                           groupLoss: groupCount > 1 ? groupLoss : nil, lr: lr,
                           summary: groupCount == 1 ? summaries.first : nil,
                           groupSummary: groupCount > 1 && !summaries.isEmpty ? summaries : nil)
    }

    func inspect(selectedPoint: Int) -> LabInspection {
        let total = count * groupCount
        let index = min(max(selectedPoint, 0), max(total - 1, 0))
        let g = index / max(count, 1), i = index % max(count, 1)
        let start = g * 2 * count
        // f and ∂f where the point is now (after the last step; the sweep's
        // gradient was taken before it), under the function of now (`:f`):
        // at the position as read for the rows (a Double holds the T exactly).
        var inspected = inspect([start + i, start + count + i], names: ["x1", "x2"], gradients: [.nan, .nan], group: g)
        let evaluated = program.evaluate(inspected.map { T($0.value) })
        for k in inspected.indices { inspected[k].gradient = Double(evaluated[1 + k]) }
        return LabInspection(
            epoch: epoch,
            parameters: inspected,
            gradientNorm: gradientNorm,
            groupGradientNorm: groupCount > 1 ? (groupGradientNorms.indices.contains(g) ? groupGradientNorms[g] : .nan) : nil,
            optimizerSteps: groups[g].stepCount,
            selectedPoint: index,
            pointCount: total,
            valueAtSelected: Double(evaluated[0]),
            group: groupCount > 1 ? groups[g].config.summary : nil,
            learningRate: groups[g].config.lr
        )
    }

    /// All positions (x1 block then x2 block of each group), for tests and tools.
    var positions: [T] { parameterValues(0..<parameterCount) }

    var dataset: LabDataset { .empty }

    var checkpointParameters: [NamedValues] { namedParameters(["x1", "x2"]) }

    func restore(_ checkpoint: LoadedCheckpoint) throws(GradlabError) {
        guard groupCount == 1 else { throw GradlabError("--load cannot be combined with --compare") }
        try restore(checkpoint, names: ["x1", "x2"])
    }
}

import GradlabSIMD

/// What a ``ProgramSweep`` reads, writes and reduces: fixed when it is
/// prepared, so that each run only binds buffers.
public struct SweepShape: Hashable, Sendable {
    /// Per input: whether it has a value per lane (else it is uniform).
    public var lanes: [Bool]
    /// Per output: whether it is stored into a buffer.
    public var stored: [Bool]
    /// Per output: the per-lane input it updates in place (its buffer is
    /// that input's), or nil. Empty: none.
    public var inPlace: [Int?]
    /// The outputs summed over all lanes, in Double.
    public var summed: [Int]
    /// The output whose smallest and largest value (NaN ignored) is wanted.
    public var extremesOf: Int?
    /// The outputs whose squares are summed together (a gradient norm).
    public var squaresOf: [Int]
    /// The outputs a run copies out for its first lanes (``ProgramSweep/run(count:inputs:outputs:prefix:prefixTargets:threads:)``).
    public var prefixOutputs: [Int]

    public init(lanes: [Bool], stored: [Bool], inPlace: [Int?] = [], summed: [Int] = [], extremesOf: Int? = nil,
                squaresOf: [Int] = [], prefixOutputs: [Int] = []) {
        self.lanes = lanes
        self.stored = stored
        self.inPlace = inPlace
        self.summed = summed
        self.extremesOf = extremesOf
        self.squaresOf = squaresOf
        self.prefixOutputs = prefixOutputs
    }
}

/// A sweep's reductions, combined over chunks in chunk order: the same
/// values for any thread count.
public struct SweepTotals: Sendable, Equatable {
    /// Per output: its sum over all lanes in Double, or NaN when not summed.
    public var sums: [Double]
    /// The extremes of ``SweepShape/extremesOf`` (+inf/-inf when no lane
    /// was a number), and whether a lane was NaN.
    public var extremes: SweepExtremes?
    /// The sum of the squares of ``SweepShape/squaresOf``.
    public var squares: Double?
}

public struct SweepExtremes: Sendable, Equatable {
    public var min: Double
    public var max: Double
    public var sawNaN: Bool

    public init(min: Double, max: Double, sawNaN: Bool) {
        self.min = min
        self.max = max
        self.sawNaN = sawNaN
    }
}

/// A Program prepared for repeated runs of one ``SweepShape`` over many
/// lanes with the chunk kernels: one pass over memory that computes the
/// outputs, updates inputs in place, and reduces, chunk by chunk while the
/// chunk is in cache. The CPU device's sweeps are these.
///
///     // x -= 0.1 * f'(x) in place, summing f:
///     let sweep = ProgramSweep<Float>(program, shape: SweepShape(
///         lanes: [true, false], stored: [false, false, true], inPlace: [nil, nil, 0], summed: [0]))
///     let totals = sweep.run(count: n, inputs: [.lanes(x), .uniform(0.1)], outputs: [nil, nil, x])
///
/// A run uses buffers of the sweep's own; one run at a time.
public final class ProgramSweep<T: ProgramScalar>: @unchecked Sendable {
    public let program: Program
    public let shape: SweepShape
    private let prepared: AnyObject
    private var chunkExtremes: UnsafeMutablePointer<Double>
    private var chunkSquares: UnsafeMutablePointer<Double>
    private var chunkCapacity = 1
    private let prefixTable: UnsafeMutablePointer<UnsafeMutablePointer<T>?>
    private var sums: UnsafeMutablePointer<Double>
    private var sumCapacity: Int
    private let summedMask: UInt64
    private let squaresMask: UInt64

    public init(_ program: Program, shape: SweepShape) {
        precondition(shape.lanes.count == program.inputs.count, "SweepShape: one lanes flag per input")
        precondition(shape.stored.count == program.outputCount, "SweepShape: one stored flag per output")
        precondition(shape.inPlace.isEmpty || shape.inPlace.count == program.outputCount, "SweepShape: one inPlace entry per output")
        precondition(shape.squaresOf.count <= 64 && (shape.summed + shape.squaresOf + shape.prefixOutputs).allSatisfy { $0 >= 0 && $0 < min(program.outputCount, 64) },
                     "SweepShape: an output index is out of range")
        self.program = program
        self.shape = shape
        summedMask = shape.summed.reduce(0) { $0 | (1 << UInt64($1)) }
        squaresMask = shape.squaresOf.reduce(0) { $0 | (1 << UInt64($1)) }
        prepared = T._prepareSweep(program, shape)
        chunkExtremes = .allocate(capacity: 3)
        chunkSquares = .allocate(capacity: 1)
        prefixTable = .allocate(capacity: max(program.outputCount, 1))
        prefixTable.initialize(repeating: nil, count: max(program.outputCount, 1))
        sumCapacity = max(program.outputCount, 1)
        sums = .allocate(capacity: sumCapacity)
        sums.initialize(repeating: 0, count: sumCapacity)
    }

    deinit {
        chunkExtremes.deallocate()
        chunkSquares.deallocate()
        prefixTable.deallocate()
        sums.deallocate()
    }

    /// Runs the sweep over `count` lanes.
    ///
    /// - Parameters:
    ///   - inputs: one per input, `.lanes` where ``SweepShape/lanes`` says so.
    ///   - outputs: one per output: a buffer of `count` values where
    ///     ``SweepShape/stored``, the very pointer of its input where
    ///     ``SweepShape/inPlace`` names one, nil elsewhere.
    ///   - prefix: lanes `0..<prefix` of each ``SweepShape/prefixOutputs``
    ///     entry are copied to the matching `prefixTargets` buffer.
    ///   - threads: workers; nil picks by `count`, as ``Program/run(count:inputs:outputs:)``.
    public func run(
        count: Int, inputs: [ProgramInput<T>], outputs: [UnsafeMutablePointer<T>?], prefix: Int = 0,
        prefixTargets: [UnsafeMutablePointer<T>] = [], threads: Int? = nil
    ) -> SweepTotals {
        runBlock(count: count, inputs: [inputs], outputs: outputs, prefix: prefix, prefixTargets: prefixTargets, threads: threads)[0]
    }

    /// Runs the sweep `inputs.count` times over `count` lanes as one epoch
    /// block: each chunk of lanes runs every time, run `r` with `inputs[r]`,
    /// before the next chunk is read, so memory is read and written once for
    /// all the runs. Every entry of `inputs` binds the same lanes (only
    /// uniform values differ). The results, one per run, are the same bits
    /// as `inputs.count` calls of ``run(count:inputs:outputs:prefix:prefixTargets:threads:)``,
    /// as lanes never interact; each prefix target holds `prefix` lanes per
    /// run, run after run.
    public func runBlock(
        count: Int, inputs: [[ProgramInput<T>]], outputs: [UnsafeMutablePointer<T>?], prefix: Int = 0,
        prefixTargets: [UnsafeMutablePointer<T>] = [], threads: Int? = nil
    ) -> [SweepTotals] {
        let repeats = inputs.count
        precondition(repeats > 0, "ProgramSweep: a block of no runs")
        let first = inputs[0]
        precondition(first.count == program.inputs.count && outputs.count == program.outputCount, "ProgramSweep: inputs or outputs do not match the Program")
        precondition(prefixTargets.count == (prefix > 0 ? shape.prefixOutputs.count : prefixTargets.count), "ProgramSweep: one prefix target per prefix output")
        for (k, input) in shape.inPlace.enumerated() {
            guard let input else { continue }
            guard case .lanes(let pointer) = first[input], let output = outputs[k], UnsafePointer(output) == pointer else {
                preconditionFailure("ProgramSweep: output \(k) must be input \(input)'s own buffer")
            }
        }
        let outputCount = program.outputCount
        let chunkLanes = Program.chunkLanes(T.self)
        let chunks = (count + chunkLanes - 1) / chunkLanes
        reserve(entries: repeats * max(chunks, 1), sums: repeats * max(outputCount, 1))
        sums.update(repeating: 0, count: repeats * outputCount)
        prefixTable.update(repeating: nil, count: outputCount)
        if prefix > 0 {
            for (k, target) in zip(shape.prefixOutputs, prefixTargets) { prefixTable[k] = target }
        }
        let request = LaneReductionRequest<T>(
            extremesOutput: shape.extremesOf ?? -1, chunkExtremes: shape.extremesOf == nil ? nil : chunkExtremes,
            squaresMask: squaresMask,
            chunkSquares: shape.squaresOf.isEmpty ? nil : chunkSquares,
            prefixCount: min(prefix, count), prefixTargets: UnsafePointer(prefixTable))
        let summed = summedMask
        if count > 0 {
            T._runSweep(prepared, count: count, inputs: first, laterInputs: Array(inputs.dropFirst()), outputs: outputs,
                        sums: shape.summed.isEmpty ? nil : sums, summed: summed,
                        threads: max(threads ?? ExecutorTuning.threads(forLanes: count), 1),
                        level: SIMDLevel.active, reductions: request)
        }
        return (0..<repeats).map { r in
            var totalSums = [Double](repeating: .nan, count: outputCount)
            for k in 0..<min(outputCount, 64) where summed & (1 << UInt64(k)) != 0 { totalSums[k] = sums[r * outputCount + k] }
            var totals = SweepTotals(sums: totalSums)
            if shape.extremesOf != nil {
                var extremes = SweepExtremes(min: .infinity, max: -.infinity, sawNaN: false)
                for c in (r * chunks)..<((r + 1) * chunks) {
                    extremes.min = Swift.min(extremes.min, chunkExtremes[3 * c])
                    extremes.max = Swift.max(extremes.max, chunkExtremes[3 * c + 1])
                    if chunkExtremes[3 * c + 2] != 0 { extremes.sawNaN = true }
                }
                totals.extremes = extremes
            }
            if !shape.squaresOf.isEmpty {
                var total = 0.0
                for c in (r * chunks)..<((r + 1) * chunks) { total += chunkSquares[c] }
                totals.squares = total
            }
            return totals
        }
    }

    /// Room for `entries` per-chunk reductions and `sums` sums.
    private func reserve(entries: Int, sums count: Int) {
        if entries > chunkCapacity {
            chunkExtremes.deallocate()
            chunkSquares.deallocate()
            chunkExtremes = .allocate(capacity: 3 * entries)
            chunkSquares = .allocate(capacity: entries)
            chunkCapacity = entries
        }
        if count > sumCapacity {
            sums.deallocate()
            sums = .allocate(capacity: count)
            sumCapacity = count
        }
    }
}

extension ProgramExecutor {
    static func prepareSweep(_ program: Program, _ shape: SweepShape) -> PreparedRun<T> {
        PreparedRun(program, lanes: shape.lanes, stored: shape.stored, inPlace: shape.inPlace)
    }

    static func runSweep(
        _ prepared: AnyObject, count: Int, inputs: [ProgramInput<T>], laterInputs: [[ProgramInput<T>]], outputs: [UnsafeMutablePointer<T>?],
        sums: UnsafeMutablePointer<Double>?, summed: UInt64, threads: Int, level: SIMDLevel, reductions: LaneReductionRequest<T>
    ) {
        guard let prepared = prepared as? PreparedRun<T> else { preconditionFailure("ProgramSweep: prepared for another scalar type") }
        execute(prepared, count: count, inputs: inputs, laterInputs: laterInputs, outputs: outputs, sums: sums, summed: summed,
                threads: threads, level: min(level, SIMDLevel.detected), descent: nil, afterChunk: nil, reductions: reductions)
    }
}

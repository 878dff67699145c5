import Dispatch
import Foundation
import GradlabSIMD
import GradlabSIMDAVX2
import GradlabSIMDAVX512
import Synchronization

/// When the executor splits work, and how finely.
enum ExecutorTuning {
    /// Bytes per chunk register: 4 KiB (1024 Floats, 512 Doubles) keeps the
    /// registers a program holds live in L1/L2 while a chunk runs, and
    /// spreads each step's dispatch over many vectors.
    static let chunkBytes = 4096

    static func chunkLanes<T>(_ type: T.Type) -> Int { chunkBytes / MemoryLayout<T>.stride }

    /// Below this many lanes a run stays on the calling thread: waking
    /// workers costs more than it saves.
    static let parallelThreshold = 32_768

    /// Each worker gets at least this many lanes.
    static let lanesPerWorker = 16_384

    /// Batches of chunks per worker that a parallel run is cut into: small
    /// enough that the workers finish together on a loaded machine, large
    /// enough that taking one (an atomic add) costs nothing.
    static let batchesPerWorker = 16

    static let processorCount = ProcessInfo.processInfo.activeProcessorCount

    /// The worker count ``Program/run(count:inputs:outputs:)`` uses.
    static func threads(forLanes count: Int) -> Int {
        count < parallelThreshold ? 1 : max(1, min(processorCount, count / lanesPerWorker))
    }
}

/// A scalar type the chunk kernels run: Float and Double.
protocol LaneScalar: ProgramScalar {
    /// Whether plans for this type take sin a and cos a from sin(a/2) and
    /// cos(a/2) where a Program has both pairs (``LaneOperation/doubleAngle``).
    /// Double does: it adds at most 1.8e-14 to a fixture-length descent
    /// (1e-10 allowed). Float does not: (c - s)(c + s) from Float s, c
    /// carries about 1e-7 absolute near the zeros of cos a, and an unstable
    /// run (lr 0.1 over 100 steps) grew that to 2.5e-5 against the 1e-5
    /// allowed; on Zen 4 the Float landscape measured the same speed without
    /// it (docs/performance.md).
    static var usesDoubleAngles: Bool { get }

    /// Runs `chunks` of `plan` with the kernels compiled for `level`.
    static func runKernels(
        _ level: SIMDLevel, _ plan: LanePlan, _ run: LaneRun<Self>, _ chunks: Range<Int>,
        _ scratch: UnsafeMutablePointer<Self>, _ chunkOutputs: UnsafeMutablePointer<UnsafePointer<Self>>)
}

extension SIMDLevel {
    /// The copy of the kernels compiled for this level.
    var kernels: any KernelSet.Type {
        switch self {
        case .avx512: GradlabSIMDAVX512.SIMDKernels.self
        case .avx2: GradlabSIMDAVX2.SIMDKernels.self
        case .sse2: GradlabSIMD.SIMDKernels.self
        }
    }
}

extension Float: LaneScalar {
    static var usesDoubleAngles: Bool { false }

    static func runKernels(
        _ level: SIMDLevel, _ plan: LanePlan, _ run: LaneRun<Float>, _ chunks: Range<Int>, _ scratch: UnsafeMutablePointer<Float>,
        _ chunkOutputs: UnsafeMutablePointer<UnsafePointer<Float>>
    ) {
        level.kernels.run(plan, run, chunks: chunks, scratch: scratch, chunkOutputs: chunkOutputs)
    }
}

extension Double: LaneScalar {
    static var usesDoubleAngles: Bool { true }

    static func runKernels(
        _ level: SIMDLevel, _ plan: LanePlan, _ run: LaneRun<Double>, _ chunks: Range<Int>, _ scratch: UnsafeMutablePointer<Double>,
        _ chunkOutputs: UnsafeMutablePointer<UnsafePointer<Double>>
    ) {
        level.kernels.run(plan, run, chunks: chunks, scratch: scratch, chunkOutputs: chunkOutputs)
    }
}

/// A plan with the buffers to run it: built once per input/output shape and
/// reused, so a run allocates nothing once its shape has been seen.
/// Used by one run at a time (``ProgramRunCache`` hands it out).
final class PreparedRun<T: LaneScalar>: @unchecked Sendable {
    let plan: LanePlan
    let prologue: [UniformStep]
    /// The uniform values, one table of ``uniformStride`` per run of an
    /// epoch block (``LaneRun/repeats``).
    private(set) var uniforms: UnsafeMutablePointer<T>
    private var uniformRuns = 1
    var uniformStride: Int { 16 * max(prologue.count, 1) }
    let inputTable: UnsafeMutablePointer<UnsafePointer<T>?>
    let outputTable: UnsafeMutablePointer<UnsafeMutablePointer<T>?>
    let chunkLanes = ExecutorTuning.chunkLanes(T.self)
    private(set) var scratch: [UnsafeMutablePointer<T>] = []
    /// Per worker: each output's values for the chunk being finished.
    private(set) var chunkOutputs: [UnsafeMutablePointer<UnsafePointer<T>>] = []
    /// (input, output) index pairs of a descent, two Ints each.
    let descentPairs: UnsafeMutablePointer<Int>
    /// The next chunk a worker of a parallel run takes.
    let nextChunk = Atomic<Int>(0)
    private(set) var chunkSums: UnsafeMutablePointer<Double>
    private var chunkSumCapacity = 0

    /// - Parameters fusing, doubleAngles: see ``LanePlanBuilder/build(_:lanes:stored:inPlace:fusing:doubleAngles:)`` (tests compare both).
    init(_ program: Program, lanes: [Bool], stored: [Bool], inPlace: [Int?] = [], fusing: Bool = true,
         doubleAngles: Bool = T.usesDoubleAngles) {
        (plan, prologue) = LanePlanBuilder.build(program, lanes: lanes, stored: stored, inPlace: inPlace, fusing: fusing,
                                                 doubleAngles: doubleAngles)
        uniforms = .allocate(capacity: 16 * max(prologue.count, 1))
        uniforms.initialize(repeating: 0, count: 16 * max(prologue.count, 1))
        inputTable = .allocate(capacity: max(plan.inputCount, 1))
        inputTable.initialize(repeating: nil, count: max(plan.inputCount, 1))
        outputTable = .allocate(capacity: max(plan.outputCount, 1))
        outputTable.initialize(repeating: nil, count: max(plan.outputCount, 1))
        chunkSums = .allocate(capacity: 1)
        descentPairs = .allocate(capacity: 2 * max(plan.inputCount, 1))
        descentPairs.initialize(repeating: 0, count: 2 * max(plan.inputCount, 1))
    }

    deinit {
        uniforms.deallocate()
        inputTable.deallocate()
        outputTable.deallocate()
        chunkSums.deallocate()
        descentPairs.deallocate()
        for buffer in scratch { UnsafeMutableRawPointer(buffer).deallocate() }
        for table in chunkOutputs { table.deallocate() }
    }

    /// Scratch for `workers` workers (kept and reused from run to run).
    func reserve(workers: Int, chunks: Int, summing: Bool, repeats: Int = 1) {
        while scratch.count < workers {
            let count = plan.scratchCount(chunkLanes: chunkLanes)
            let raw = UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<T>.stride, alignment: 64)
            scratch.append(raw.initializeMemory(as: T.self, repeating: 0, count: count))
            chunkOutputs.append(.allocate(capacity: max(plan.outputCount, 1)))
        }
        let needed = summing ? repeats * chunks * plan.outputCount : 0
        if needed > chunkSumCapacity {
            chunkSums.deallocate()
            chunkSums = .allocate(capacity: needed)
            chunkSumCapacity = needed
        }
    }

    /// Room for the uniform tables of `runs` runs (an epoch block's).
    func reserveUniforms(runs: Int) {
        guard runs > uniformRuns else { return }
        uniforms.deallocate()
        uniforms = .allocate(capacity: uniformStride * runs)
        uniforms.initialize(repeating: 0, count: uniformStride * runs)
        uniformRuns = runs
    }

    /// Computes the uniform values for this run's uniform inputs, each
    /// stored 16 times (the layout ``LaneRun/uniforms`` describes), into
    /// run `run`'s table of an epoch block.
    func computeUniforms(_ inputs: [ProgramInput<T>], run: Int = 0) {
        let uniforms = self.uniforms + run * uniformStride
        for (slot, step) in prologue.enumerated() {
            let value: T
            switch step {
            case .constant(let c): value = T(c)
            case .input(let index):
                guard case .uniform(let v) = inputs[index] else { preconditionFailure("input \(index) is not uniform") }
                value = v
            case .unary(let op, let a): value = ScalarMath.apply(op, uniforms[16 * a])
            case .binary(let op, let a, let b): value = ScalarMath.apply(op, uniforms[16 * a], uniforms[16 * b])
            }
            (uniforms + 16 * slot).update(repeating: value, count: 16)
        }
    }
}

/// The prepared runs of one Program, keyed by scalar type and shape.
final class ProgramRunCache: Sendable {
    struct Key: Hashable {
        var scalar: ObjectIdentifier
        /// Bit i: input i has lanes. Bit 63 set: too many to key (not cached).
        var lanes: UInt64
        /// Bit k: output k is stored.
        var stored: UInt64
    }

    /// A few entries (one per shape and concurrent run), searched in order:
    /// a dictionary's in-place `popLast` allocated on every run.
    private let pool = Mutex<[(key: Key, run: AnyObject & Sendable)]>([])

    func take(_ key: Key) -> (AnyObject & Sendable)? {
        pool.withLock { pool in
            guard let index = pool.lastIndex(where: { $0.key == key }) else { return nil }
            return pool.remove(at: index).run
        }
    }

    func give(_ object: AnyObject & Sendable, for key: Key) {
        pool.withLock { $0.append((key, object)) }
    }
}

/// Runs Programs over many lanes with the chunk kernels.
enum ProgramExecutor<T: LaneScalar> {
    static func run(
        _ program: Program, count: Int, inputs: [ProgramInput<T>], outputs: [UnsafeMutablePointer<T>?],
        sums: UnsafeMutablePointer<Double>?, summed: UInt64, threads: Int, level: SIMDLevel, descent: ProgramDescent<T>?,
        afterChunk: (@Sendable (ProgramChunk<T>) -> Void)?
    ) {
        if let sums { sums.update(repeating: 0, count: program.outputCount) }
        guard count > 0 else { return }
        checkNoOverlap(count: count, inputs: inputs, outputs: outputs)

        let cacheable = inputs.count < 64 && outputs.count < 64
        var key = ProgramRunCache.Key(scalar: ObjectIdentifier(T.self), lanes: cacheable ? 0 : 1 << 63, stored: 0)
        for (i, input) in inputs.enumerated() where cacheable {
            if case .lanes = input { key.lanes |= 1 << UInt64(i) }
        }
        for (k, output) in outputs.enumerated() where cacheable && output != nil { key.stored |= 1 << UInt64(k) }
        let prepared: PreparedRun<T>
        if cacheable, let cached = program.runCache.take(key) as? PreparedRun<T> {
            prepared = cached
        } else {
            prepared = PreparedRun(program, lanes: inputs.map { if case .lanes = $0 { true } else { false } },
                                   stored: outputs.map { $0 != nil })
        }
        defer { if cacheable { program.runCache.give(prepared, for: key) } }
        execute(prepared, count: count, inputs: inputs, outputs: outputs, sums: sums, summed: summed, threads: threads,
                level: level, descent: descent, afterChunk: afterChunk, reductions: nil)
    }

    /// Runs a prepared plan: ``run(_:count:inputs:outputs:sums:summed:threads:level:descent:afterChunk:)``
    /// past its cache, and ``ProgramSweep``'s runs (with in-place outputs and `reductions`).
    ///
    /// With `laterInputs`, an epoch block (``LaneRun/repeats``): the plan runs
    /// `1 + laterInputs.count` times over each chunk before the next, run `r`
    /// with `laterInputs[r - 1]`'s uniform values (its lanes are `inputs`');
    /// `sums` then holds `outputCount` sums per run, run after run.
    static func execute(
        _ prepared: PreparedRun<T>, count: Int, inputs: [ProgramInput<T>], laterInputs: [[ProgramInput<T>]] = [],
        outputs: [UnsafeMutablePointer<T>?],
        sums: UnsafeMutablePointer<Double>?, summed: UInt64, threads: Int, level: SIMDLevel, descent: ProgramDescent<T>?,
        afterChunk: (@Sendable (ProgramChunk<T>) -> Void)?, reductions: LaneReductionRequest<T>?
    ) {
        let repeats = 1 + laterInputs.count
        precondition(repeats == 1 || (descent == nil && afterChunk == nil), "Program.run: an epoch block has no descent and no hook")
        prepared.reserveUniforms(runs: repeats)
        prepared.computeUniforms(inputs)
        for (r, later) in laterInputs.enumerated() { prepared.computeUniforms(later, run: r + 1) }
        for (i, input) in inputs.enumerated() {
            if case .lanes(let pointer) = input { prepared.inputTable[i] = pointer } else { prepared.inputTable[i] = nil }
        }
        for (k, output) in outputs.enumerated() { prepared.outputTable[k] = output }
        let descentCount = descent?.pairs.count ?? 0
        precondition(descentCount <= inputs.count, "Program.run: more descent pairs than inputs")
        for (d, pair) in (descent?.pairs ?? []).enumerated() {
            precondition(pair.input >= 0 && pair.input < inputs.count && pair.output >= 0 && pair.output < outputs.count,
                         "Program.run: descent pair out of range")
            guard case .lanes = inputs[pair.input] else { preconditionFailure("Program.run: a descended input must have lanes") }
            prepared.descentPairs[2 * d] = pair.input
            prepared.descentPairs[2 * d + 1] = pair.output
        }

        let chunkLanes = prepared.chunkLanes
        let chunkCount = (count + chunkLanes - 1) / chunkLanes
        let workers = min(max(threads, 1), chunkCount)
        prepared.reserve(workers: workers, chunks: chunkCount, summing: sums != nil, repeats: repeats)
        var run = LaneRun<T>(
            count: count, chunkLanes: chunkLanes, inputs: prepared.inputTable, outputs: prepared.outputTable,
            uniforms: prepared.uniforms, chunkSums: sums == nil ? nil : prepared.chunkSums, summed: summed,
            descentPairs: prepared.descentPairs, descentCount: descentCount, descentStep: descent?.step ?? 0,
            afterChunk: afterChunk)
        run.reductions = reductions
        run.repeats = repeats
        run.uniformStride = prepared.uniformStride
        let lanes = run
        let plan = prepared.plan
        if workers == 1 {
            T.runKernels(level, plan, lanes, 0..<chunkCount, prepared.scratch[0], prepared.chunkOutputs[0])
        } else {
            // Workers take batches of chunks from a shared counter until none
            // are left, so a worker whose core is busy with another process
            // takes fewer (fixed halves would wait for the slowest). Chunk
            // boundaries do not depend on who runs them and lanes never
            // interact, so the result is bit-identical to one worker; chunk
            // sums are stored per chunk and added in chunk order below.
            let batch = max(1, chunkCount / (workers * ExecutorTuning.batchesPerWorker))
            prepared.nextChunk.store(0, ordering: .relaxed)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                while true {
                    let first = prepared.nextChunk.wrappingAdd(batch, ordering: .relaxed).oldValue
                    guard first < chunkCount else { break }
                    T.runKernels(level, plan, lanes, first..<min(first + batch, chunkCount),
                                 prepared.scratch[worker], prepared.chunkOutputs[worker])
                }
            }
        }
        if let sums {
            let outputCount = plan.outputCount
            for r in 0..<repeats {
                let runSums = sums + r * outputCount
                for chunk in 0..<chunkCount {
                    let entry = r * chunkCount + chunk
                    for k in 0..<outputCount { runSums[k] += prepared.chunkSums[entry * outputCount + k] }
                }
                for k in 0..<outputCount where k >= 64 || summed & (1 << UInt64(k)) == 0 { runSums[k] = .nan }
            }
        }
    }

    /// Outputs are written while inputs are still being read, so they must
    /// not share memory with each other or with per-lane inputs.
    private static func checkNoOverlap(count: Int, inputs: [ProgramInput<T>], outputs: [UnsafeMutablePointer<T>?]) {
        let bytes = count * MemoryLayout<T>.stride
        func range(_ pointer: UnsafeRawPointer) -> Range<UInt> {
            let start = UInt(bitPattern: pointer)
            return start..<(start + UInt(bytes))
        }
        for i in outputs.indices {
            guard let output = outputs[i].map({ range($0) }) else { continue }
            for j in (i + 1)..<outputs.count {
                guard let other = outputs[j] else { continue }
                precondition(!output.overlaps(range(other)), "Program.run: output buffers overlap")
            }
            for case .lanes(let pointer) in inputs {
                precondition(!output.overlaps(range(pointer)), "Program.run: an output buffer overlaps an input buffer")
            }
        }
    }
}

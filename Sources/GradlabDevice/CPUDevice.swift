import Foundation
import GradlabMath

/// The CPU SIMD device: host memory, and sweeps run by GradlabMath's chunk
/// kernels (AVX-512, AVX2 or SSE2 by what the CPU has) on all cores.
///
/// A parallel sweep is one ``ProgramSweep``: outputs naming an input's slice
/// update it in place chunk by chunk, reductions are per chunk in chunk
/// order (the same bits for any thread count). A sequential sweep runs the
/// scalar interpreter lane after lane: per-sample SGD.
public final class CPUDevice: ComputeDevice {
    public let description: DeviceDescription
    private var storage: [Int: (pointer: UnsafeMutableRawPointer, bytes: Int)] = [:]
    private var nextID = 1

    /// - Parameter note: why the CPU computes when another device was asked for.
    public init(note: String? = nil) {
        description = DeviceDescription(kind: .cpu, detail: CPUDevice.detail, note: note)
    }

    deinit {
        for entry in storage.values { entry.pointer.deallocate() }
    }

    /// `cpu: <model>, <SIMD level>, <N> cores`.
    public static var detail: String {
        "cpu: \(CPUInfo.modelName), \(SIMDLevel.active.rawValue), \(ProcessInfo.processInfo.activeProcessorCount) cores"
    }

    /// Allocations from this size on are checked against ``SystemMemory``.
    static let checkedAllocation = 64 << 20

    /// Bytes held in buffers now.
    public var bytesAllocated: Int { storage.values.reduce(0) { $0 + $1.bytes } }

    public func allocate<T: ProgramScalar>(_ type: T.Type, count: Int, filled value: T) throws(DeviceError) -> DeviceBuffer<T> {
        guard count >= 0 else { throw DeviceError("cpu: cannot allocate \(count) values") }
        let (bytes, overflow) = max(count, 1).multipliedReportingOverflow(by: MemoryLayout<T>.stride)
        guard !overflow else { throw DeviceError("cpu: \(count) values do not fit in memory (more bytes than a 64-bit size holds)") }
        // A large buffer must fit in what the machine has left, or the run is
        // OOM-killed later (or the allocator aborts): refuse it now.
        if bytes >= Self.checkedAllocation, let available = SystemMemory.available(), bytes > available.bytes {
            throw DeviceError("cpu: \(SystemMemory.format(bytes)) needed for \(count) values, \(SystemMemory.format(available.bytes)) available (\(available.source))")
        }
        let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        Self.fill(raw, with: value, count: max(count, 1))
        let buffer = DeviceBuffer<T>(id: nextID, count: count)
        nextID += 1
        storage[buffer.id] = (raw, bytes)
        return buffer
    }

    /// Fills new memory with `count` copies of `value`: a specialized loop
    /// per scalar type (the generic `initializeMemory(as:repeating:count:)`
    /// copied each value through the type's value witness, about 1.5 ns a
    /// value: 6 ms at the first step of Adam on a million points, 1.7% of
    /// a 400-epoch run; now 0.1%).
    static func fill<T: ProgramScalar>(_ raw: UnsafeMutableRawPointer, with value: T, count: Int) {
        if let value = value as? Float {
            raw.initializeMemory(as: Float.self, repeating: value, count: count)
        } else if let value = value as? Double {
            raw.initializeMemory(as: Double.self, repeating: value, count: count)
        } else {
            raw.initializeMemory(as: T.self, repeating: value, count: count)
        }
    }

    public func free<T: ProgramScalar>(_ buffer: DeviceBuffer<T>) {
        storage.removeValue(forKey: buffer.id)?.pointer.deallocate()
    }

    /// The memory behind `buffer`: for this device's own sweeps only.
    func pointer<T: ProgramScalar>(_ buffer: DeviceBuffer<T>) throws(DeviceError) -> UnsafeMutablePointer<T> {
        guard let entry = storage[buffer.id] else { throw DeviceError("cpu: buffer \(buffer.id) is not allocated on this device") }
        return entry.pointer.assumingMemoryBound(to: T.self)
    }

    public func write<T: ProgramScalar>(_ values: UnsafeBufferPointer<T>, to buffer: DeviceBuffer<T>, at offset: Int) throws(DeviceError) {
        guard offset >= 0, offset + values.count <= buffer.count else {
            throw DeviceError("cpu: writing \(values.count) values at \(offset) overruns a buffer of \(buffer.count)")
        }
        guard let source = values.baseAddress else { return }
        (try pointer(buffer) + offset).update(from: source, count: values.count)
    }

    public func read<T: ProgramScalar>(_ buffer: DeviceBuffer<T>, range: Range<Int>, into target: UnsafeMutableBufferPointer<T>) throws(DeviceError) {
        guard range.lowerBound >= 0, range.upperBound <= buffer.count, target.count >= range.count else {
            throw DeviceError("cpu: reading \(range) of a buffer of \(buffer.count) values")
        }
        guard let destination = target.baseAddress else { return }
        destination.update(from: try pointer(buffer) + range.lowerBound, count: range.count)
    }

    public func prepare<T: ProgramScalar>(_ sweep: Sweep<T>) throws(DeviceError) -> any PreparedSweep<T> {
        try CPUPreparedSweep(sweep, device: self)
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func run<T: ProgramScalar>(
        _ prepared: any PreparedSweep<T>, scalars: [Double], lanes: Range<Int>?, sums: [Double]?
    ) throws(DeviceError) -> SweepResult<T> {
        guard let prepared = prepared as? CPUPreparedSweep<T> else { throw DeviceError("cpu: the sweep was prepared by another device") }
        guard prepared.device === self else { throw DeviceError("cpu: the sweep was prepared by another CPU device") }
        return try prepared.run(scalars: scalars, lanes: lanes, sums: sums)
    }

    /// A parallel sweep's runs chunk by chunk: memory is read and written
    /// once per block instead of once per run (``ProgramSweep/runBlock(count:inputs:outputs:prefix:prefixTargets:threads:)``).
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func runBlock<T: ProgramScalar>(_ prepared: any PreparedSweep<T>, scalars: [[Double]]) throws(DeviceError) -> [SweepResult<T>] {
        guard let prepared = prepared as? CPUPreparedSweep<T> else { throw DeviceError("cpu: the sweep was prepared by another device") }
        guard prepared.device === self else { throw DeviceError("cpu: the sweep was prepared by another CPU device") }
        return try prepared.runBlock(scalars: scalars)
    }
}

/// A sweep bound to a CPU device's memory.
final class CPUPreparedSweep<T: ProgramScalar>: PreparedSweep {
    let sweep: Sweep<T>
    unowned let device: CPUDevice
    private let inputCount: Int
    private let outputCount: Int
    /// Parallel sweeps: the plan, and where ordered sums and copies go.
    private let kernels: ProgramSweep<T>?
    private let orderedScratch: [UnsafeMutablePointer<T>]
    private let copyTargets: [UnsafeMutablePointer<T>]
    /// An epoch block's copies: each ``Sweep/copied`` entry's lanes for
    /// `blockCopyRuns` runs, run after run.
    private var blockCopyTargets: [UnsafeMutablePointer<T>] = []
    private var blockCopyRuns = 0
    private let scalarCount: Int
    /// A parallel run's bindings, kept from run to run (only uniform
    /// entries change), so a run allocates nothing for them.
    private var kernelInputs: [ProgramInput<T>] = []
    private var kernelOutputs: [UnsafeMutablePointer<T>?] = []
    /// Per input, then per output: its memory and the distance between
    /// lanes (0 for one element); and per input the scalar slot it reads
    /// (-1: none), as flat tables both modes use.
    private let laneTable: UnsafeMutablePointer<UnsafeMutablePointer<T>?>
    private let laneStrides: UnsafeMutablePointer<Int>
    private let laneSlots: UnsafeMutablePointer<Int>
    /// A sequential run's Program, decoded once, and its bindings for a run.
    private let scalarProgram: ScalarProgram<T>?
    private var scalarTable: [T] = []
    private let runInputs: UnsafeMutablePointer<UnsafePointer<T>?>
    private let runStrides: UnsafeMutablePointer<Int>
    private let runOutputs: UnsafeMutablePointer<UnsafeMutablePointer<T>?>

    init(_ sweep: Sweep<T>, device: CPUDevice) throws(DeviceError) {
        let program = sweep.program
        guard sweep.inputs.count == program.inputs.count else {
            throw DeviceError("sweep: \(sweep.inputs.count) inputs bound for a Program of \(program.inputs.count) (\(program.inputs.joined(separator: ", ")))")
        }
        guard sweep.outputs.count == program.outputCount else {
            throw DeviceError("sweep: \(sweep.outputs.count) outputs bound for a Program of \(program.outputCount)")
        }
        let lanes = sweep.lanes
        if sweep.mode == .sequential, sweep.extremesOf != nil || !sweep.squaresOf.isEmpty || !sweep.copied.isEmpty {
            throw DeviceError("sweep: a sequential sweep on the CPU reduces by sums only (no extremes, squares or copies)")
        }
        func span(_ buffer: DeviceBuffer<T>, _ offset: Int, _ count: Int, _ what: String) throws(DeviceError) -> UnsafeMutablePointer<T> {
            guard offset >= 0, offset + count <= buffer.count else {
                throw DeviceError("sweep: \(what) needs elements \(offset)..<\(offset + count) of a buffer of \(buffer.count)")
            }
            return try device.pointer(buffer) + offset
        }
        var inputBases: [UnsafeMutablePointer<T>?] = [], inputStrides: [Int] = [], scalarSlots: [Int?] = []
        for (i, input) in sweep.inputs.enumerated() {
            switch input {
            case .lanes(let buffer, let offset):
                inputBases.append(try span(buffer, offset, lanes, "input \(program.inputs[i])")); inputStrides.append(1); scalarSlots.append(nil)
            case .element(let buffer, let index):
                inputBases.append(try span(buffer, index, 1, "input \(program.inputs[i])")); inputStrides.append(0); scalarSlots.append(nil)
            case .scalar(let slot):
                inputBases.append(nil); inputStrides.append(0); scalarSlots.append(slot)
            }
        }
        var outputBases: [UnsafeMutablePointer<T>?] = [], outputStrides: [Int] = []
        for (k, output) in sweep.outputs.enumerated() {
            switch output {
            case .discard: outputBases.append(nil); outputStrides.append(0)
            case .lanes(let buffer, let offset):
                outputBases.append(try span(buffer, offset, lanes, "output \(program.outputNames[k])")); outputStrides.append(1)
            case .element(let buffer, let index):
                guard sweep.mode == .sequential else { throw DeviceError("sweep: output \(program.outputNames[k]) writes one element, which only a sequential sweep can") }
                outputBases.append(try span(buffer, index, 1, "output \(program.outputNames[k])")); outputStrides.append(0)
            }
        }
        // In place where an output is exactly an input's lanes; no other overlap.
        var inPlace: [Int?] = Array(repeating: nil, count: outputBases.count)
        if sweep.mode == .parallel {
            for (k, base) in outputBases.enumerated() {
                guard let base, outputStrides[k] == 1 else { continue }
                let range = UnsafeRawPointer(base)..<UnsafeRawPointer(base + lanes)
                for (i, input) in inputBases.enumerated() {
                    guard let input else { continue }
                    if inputStrides[i] == 1, input == base, lanes > 0 {
                        guard !inPlace.contains(i) else { throw DeviceError("sweep: two outputs update input \(program.inputs[i])") }
                        inPlace[k] = i
                        continue
                    }
                    let other = UnsafeRawPointer(input)..<UnsafeRawPointer(input + max(inputStrides[i] * lanes, 1))
                    if range.overlaps(other) { throw DeviceError("sweep: output \(program.outputNames[k]) overlaps input \(program.inputs[i])") }
                }
                for (j, other) in outputBases.enumerated() where j != k {
                    guard let other else { continue }
                    if range.overlaps(UnsafeRawPointer(other)..<UnsafeRawPointer(other + max(outputStrides[j] * lanes, 1))) {
                        throw DeviceError("sweep: outputs \(program.outputNames[k]) and \(program.outputNames[j]) overlap")
                    }
                }
            }
        }
        self.sweep = sweep
        self.device = device
        inputCount = inputBases.count
        outputCount = outputBases.count
        if sweep.mode == .parallel {
            let ordered = sweep.orderedSums ? sweep.summed : []
            orderedScratch = ordered.map { _ in .allocate(capacity: max(lanes, 1)) }
            var stored = outputBases.map { $0 != nil }
            for k in ordered { stored[k] = true }
            kernels = ProgramSweep<T>(program, shape: SweepShape(
                lanes: inputStrides.map { $0 == 1 }, stored: stored, inPlace: inPlace,
                summed: sweep.orderedSums ? [] : sweep.summed, extremesOf: sweep.extremesOf, squaresOf: sweep.squaresOf,
                prefixOutputs: sweep.copied))
            scalarProgram = nil
        } else {
            orderedScratch = []
            kernels = nil
            scalarProgram = ScalarProgram(program)
        }
        copyTargets = sweep.copied.map { _ in .allocate(capacity: max(sweep.copiedLanes, 1)) }
        scalarCount = sweep.scalarCount
        let slots = inputBases.count + outputBases.count
        laneTable = .allocate(capacity: max(slots, 1))
        laneStrides = .allocate(capacity: max(slots, 1))
        laneSlots = .allocate(capacity: max(inputBases.count, 1))
        runInputs = .allocate(capacity: max(inputBases.count, 1))
        runInputs.initialize(repeating: nil, count: max(inputBases.count, 1))
        runStrides = .allocate(capacity: max(inputBases.count, 1))
        runStrides.initialize(repeating: 0, count: max(inputBases.count, 1))
        runOutputs = .allocate(capacity: max(outputBases.count, 1))
        runOutputs.initialize(repeating: nil, count: max(outputBases.count, 1))
        for (i, base) in inputBases.enumerated() {
            laneTable[i] = base
            laneStrides[i] = inputStrides[i]
            laneSlots[i] = scalarSlots[i] ?? -1
        }
        for (k, base) in outputBases.enumerated() {
            laneTable[inputBases.count + k] = base
            laneStrides[inputBases.count + k] = outputStrides[k]
        }
        if sweep.mode == .parallel {
            kernelInputs = inputBases.indices.map { i in
                guard let base = inputBases[i], inputStrides[i] == 1 else { return .uniform(0) }
                return .lanes(UnsafePointer(base))
            }
            kernelOutputs = outputBases
            for (k, scratch) in zip(sweep.orderedSums ? sweep.summed : [], orderedScratch) where kernelOutputs[k] == nil {
                kernelOutputs[k] = scratch
            }
        }
    }

    deinit {
        for buffer in orderedScratch + copyTargets + blockCopyTargets { buffer.deallocate() }
        laneTable.deallocate()
        laneStrides.deallocate()
        laneSlots.deallocate()
        runInputs.deallocate()
        runStrides.deallocate()
        runOutputs.deallocate()
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func run(scalars: [Double], lanes: Range<Int>?, sums: [Double]?) throws(DeviceError) -> SweepResult<T> {
        let width = scalarCount
        let range = lanes ?? 0..<sweep.lanes
        guard range.lowerBound >= 0, range.upperBound <= sweep.lanes else {
            throw DeviceError("sweep: lanes \(range) of a sweep of \(sweep.lanes)")
        }
        guard scalars.count == width || (sweep.mode == .sequential && scalars.count == width * range.count) else {
            throw DeviceError("sweep: \(scalars.count) scalars given, expected \(width)\(sweep.mode == .sequential ? " or \(width * range.count)" : "")")
        }
        switch sweep.mode {
        case .parallel:
            guard lanes == nil || range == 0..<sweep.lanes, sums == nil else {
                throw DeviceError("sweep: a parallel sweep runs all its lanes at once")
            }
            return runParallel(scalars)
        case .sequential:
            guard sums == nil || sums?.count == sweep.program.outputCount else { throw DeviceError("sweep: one running sum per output") }
            return runSequential(scalars, range, sums)
        }
    }

    // Reached from generic labs: without these the generic bodies run.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    private func runParallel(_ scalars: [Double]) -> SweepResult<T> {
        guard let kernels else { preconditionFailure("parallel sweep without a plan") }
        bind(scalars, into: &kernelInputs)
        let ordered = sweep.orderedSums ? sweep.summed : []
        let copiedLanes = min(sweep.copiedLanes, sweep.lanes)
        let totals = kernels.run(count: sweep.lanes, inputs: kernelInputs, outputs: kernelOutputs,
                                 prefix: sweep.copied.isEmpty ? 0 : copiedLanes, prefixTargets: sweep.copied.isEmpty ? [] : copyTargets)
        var sums = totals.sums
        for k in ordered {
            guard let values = kernelOutputs[k] else { continue }
            var total = 0.0
            for j in 0..<sweep.lanes { total += Double(values[j]) }
            sums[k] = total
        }
        return SweepResult(sums: sums, extremes: totals.extremes, squares: totals.squares,
                           copied: copyTargets.map { Array(UnsafeBufferPointer(start: $0, count: copiedLanes)) })
    }

    /// Runs a parallel sweep once per row of `scalars` as one block (a
    /// sequential sweep, or one whose sums are ordered, one run after another).
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func runBlock(scalars: [[Double]]) throws(DeviceError) -> [SweepResult<T>] {
        for row in scalars where row.count != scalarCount {
            throw DeviceError("sweep: \(row.count) scalars given, expected \(scalarCount)")
        }
        guard sweep.mode == .parallel, !sweep.orderedSums, scalars.count > 1, let kernels else {
            var results: [SweepResult<T>] = []
            for row in scalars { results.append(try run(scalars: row, lanes: nil, sums: nil)) }
            return results
        }
        let repeats = scalars.count
        let copiedLanes = min(sweep.copiedLanes, sweep.lanes)
        if blockCopyRuns < repeats {
            for buffer in blockCopyTargets { buffer.deallocate() }
            blockCopyTargets = sweep.copied.map { _ in .allocate(capacity: max(copiedLanes, 1) * repeats) }
            blockCopyRuns = repeats
        }
        let blockInputs = scalars.map { row in
            var inputs = kernelInputs
            bind(row, into: &inputs)
            return inputs
        }
        let totals = kernels.runBlock(count: sweep.lanes, inputs: blockInputs, outputs: kernelOutputs,
                                      prefix: sweep.copied.isEmpty ? 0 : copiedLanes,
                                      prefixTargets: sweep.copied.isEmpty ? [] : blockCopyTargets)
        return totals.enumerated().map { r, totals in
            SweepResult(sums: totals.sums, extremes: totals.extremes, squares: totals.squares,
                        copied: blockCopyTargets.map { Array(UnsafeBufferPointer(start: $0 + r * copiedLanes, count: copiedLanes)) })
        }
    }

    /// The kernels' inputs for one run: lanes as bound, scalars and single
    /// elements as uniform values.
    private func bind(_ scalars: [Double], into inputs: inout [ProgramInput<T>]) {
        for i in 0..<inputs.count {
            let slot = laneSlots[i]
            if slot >= 0 {
                inputs[i] = .uniform(T(scalars[slot]))
            } else if laneStrides[i] == 0, let base = laneTable[i] {
                inputs[i] = .uniform(base.pointee)
            }
        }
    }

    /// Lane after lane through the decoded scalar program, which reads each
    /// lane's inputs (elements afresh) and writes its outputs before the next
    /// lane reads them; sums continue `startingSums`.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    private func runSequential(_ scalars: [Double], _ range: Range<Int>, _ startingSums: [Double]?) -> SweepResult<T> {
        guard let program = scalarProgram else { preconditionFailure("sequential sweep without a scalar program") }
        let width = scalarCount
        let perLaneScalars = scalars.count > width
        if scalarTable.count < scalars.count { scalarTable = [T](repeating: 0, count: scalars.count) }
        for (n, value) in scalars.enumerated() { scalarTable[n] = T(value) }
        var sums = startingSums ?? [Double](repeating: 0, count: outputCount)
        for k in sums.indices where sums[k].isNaN { sums[k] = 0 }
        let start = range.lowerBound
        scalarTable.withUnsafeBufferPointer { table in
            // Lane j of the run is lane start + j of the sweep.
            for i in 0..<inputCount {
                if let base = laneTable[i] {
                    runInputs[i] = UnsafePointer(base + start * laneStrides[i])
                    runStrides[i] = laneStrides[i]
                } else if perLaneScalars, let row = table.baseAddress {
                    runInputs[i] = row + laneSlots[i]
                    runStrides[i] = width
                } else {
                    runInputs[i] = nil
                    if laneSlots[i] >= 0 { program.setInput(i, table[laneSlots[i]]) }
                }
            }
            for k in 0..<outputCount {
                let slot = inputCount + k
                runOutputs[k] = laneTable[slot].map { $0 + start * laneStrides[slot] }
            }
            sweep.summed.withUnsafeBufferPointer { summed in
                sums.withUnsafeMutableBufferPointer { sums in
                    guard let totals = sums.baseAddress else { return }
                    program.runLanes(count: range.count, inputs: runInputs, inputStrides: runStrides, outputs: runOutputs,
                                     outputStrides: laneStrides + inputCount, summed: summed, sums: totals)
                }
            }
        }
        let summed = sweep.summed
        for k in sums.indices where !summed.contains(k) { sums[k] = .nan }
        return SweepResult(sums: sums)
    }
}

/// What this CPU is, for the device's description.
enum CPUInfo {
    /// `/proc/cpuinfo`'s model name, or `unknown CPU`.
    static let modelName: String = {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown CPU" }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            if let colon = line.firstIndex(of: ":") { return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces) }
        }
        return "unknown CPU"
    }()
}

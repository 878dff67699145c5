import GradlabDevice
import GradlabMath

/// A sweep compiled for a GPU and bound to its buffers: the kernel's
/// arguments, and the scratch a run needs (its scalars, the blocks'
/// partials, the totals, the lanes copied out).
final class CUDAPreparedSweep<T: ProgramScalar>: PreparedSweep {
    let sweep: Sweep<T>
    unowned let device: CUDADevice
    let source: CUDASource
    private let functions: (sweep: CUfunction, finish: CUfunction?)
    private let blocks: Int
    private var scalarTable: CUdeviceptr
    private var scalarCapacity: Int
    private let partials: CUdeviceptr
    private let totals: CUdeviceptr
    private let sumsIn: CUdeviceptr
    private let copies: [CUdeviceptr]
    /// Each kernel argument's value, eight bytes a slot (what the launch
    /// points at: the storage outlives the call).
    private let slots: UnsafeMutablePointer<UInt64>
    private let scalarCount: Int

    init(_ sweep: Sweep<T>, device: CUDADevice) throws(DeviceError) {
        let program = sweep.program
        guard sweep.inputs.count == program.inputs.count, sweep.outputs.count == program.outputCount else {
            throw DeviceError("sweep: \(sweep.inputs.count) inputs and \(sweep.outputs.count) outputs bound for a Program of \(program.inputs.count) and \(program.outputCount)")
        }
        self.sweep = sweep
        self.device = device
        source = CUDASource(sweep)
        functions = try device.module(source)
        blocks = source.isSequential ? 1 : max(1, min((sweep.lanes + CUDASource.blockSize - 1) / CUDASource.blockSize, device.multiprocessors * 8))
        scalarCount = sweep.scalarCount
        scalarCapacity = max(scalarCount, 1)
        let columns = max(source.reducedColumns, 1)
        scalarTable = try device.scratch(bytes: scalarCapacity * MemoryLayout<T>.stride)
        partials = try device.scratch(bytes: blocks * columns * 8)
        totals = try device.scratch(bytes: columns * 8)
        sumsIn = try device.scratch(bytes: columns * 8)
        var copies: [CUdeviceptr] = []
        for _ in sweep.copied { copies.append(try device.scratch(bytes: max(sweep.copiedLanes, 1) * MemoryLayout<T>.stride)) }
        self.copies = copies
        slots = .allocate(capacity: source.parameters.count)
        slots.initialize(repeating: 0, count: source.parameters.count)
        // The buffers' addresses, fixed for the sweep's life.
        let lanes = sweep.lanes
        func bound(_ buffer: DeviceBuffer<T>, _ offset: Int, _ count: Int, _ what: String) throws(DeviceError) -> UInt64 {
            guard offset >= 0, offset + count <= buffer.count else {
                throw DeviceError("sweep: \(what) needs elements \(offset)..<\(offset + count) of a buffer of \(buffer.count)")
            }
            return try device.address(buffer, offset)
        }
        for (p, parameter) in source.parameters.enumerated() {
            switch parameter {
            case .input(let i):
                switch sweep.inputs[i] {
                case .lanes(let buffer, let offset): slots[p] = try bound(buffer, offset, lanes, "input \(program.inputs[i])")
                case .element(let buffer, let index): slots[p] = try bound(buffer, index, 1, "input \(program.inputs[i])")
                case .scalar: break
                }
            case .output(let k):
                switch sweep.outputs[k] {
                case .lanes(let buffer, let offset): slots[p] = try bound(buffer, offset, lanes, "output \(program.outputNames[k])")
                case .element(let buffer, let index):
                    guard sweep.mode == .sequential else {
                        throw DeviceError("sweep: output \(program.outputNames[k]) writes one element, which only a sequential sweep can")
                    }
                    slots[p] = try bound(buffer, index, 1, "output \(program.outputNames[k])")
                case .discard: break
                }
            case .copy(let k):
                guard let c = sweep.copied.firstIndex(of: k) else { continue }
                slots[p] = copies[c]
            case .partials: slots[p] = partials
            case .totals: slots[p] = totals
            case .sumsIn: slots[p] = sumsIn
            case .lanes, .first, .copiedLanes, .scalarWidth, .scalarTable: break
            }
        }
    }

    deinit {
        for pointer in [scalarTable, partials, totals, sumsIn] + copies { device.release(scratch: pointer) }
        slots.deallocate()
    }

    func run(scalars: [Double], lanes range: Range<Int>?, sums: [Double]?) throws(DeviceError) -> SweepResult<T> {
        let driver = device.driver
        let range = range ?? 0..<sweep.lanes
        guard range.lowerBound >= 0, range.upperBound <= sweep.lanes else { throw DeviceError("sweep: lanes \(range) of a sweep of \(sweep.lanes)") }
        if sweep.mode == .parallel, range != 0..<sweep.lanes || sums != nil {
            throw DeviceError("sweep: a parallel sweep runs all its lanes at once")
        }
        let perLane = scalars.count > scalarCount
        guard scalars.count == scalarCount || (sweep.mode == .sequential && scalars.count == scalarCount * range.count) else {
            throw DeviceError("sweep: \(scalars.count) scalars given, expected \(scalarCount)")
        }
        // Scalars, cast to the dtype on the host (torch's casts of Python floats).
        let values = scalars.map { T($0) }
        if values.count > scalarCapacity {
            device.release(scratch: scalarTable)
            scalarTable = try device.scratch(bytes: values.count * MemoryLayout<T>.stride)
            scalarCapacity = values.count
        }
        if !values.isEmpty {
            let table = scalarTable
            let status = values.withUnsafeBytes { raw -> CUresult in
                guard let base = raw.baseAddress else { return 0 }
                return driver.cuMemcpyHtoD(table, base, raw.count)
            }
            try driver.check(status, "cuMemcpyHtoD (the step's scalars)")
        }
        let columns = source.reducedColumns
        if source.isSequential, columns > 0 {
            var start = [Double](repeating: 0, count: columns)
            if let sums {
                for (c, k) in sweep.summed.enumerated() where k < sums.count && !sums[k].isNaN { start[c] = sums[k] }
            }
            let status = start.withUnsafeBytes { raw -> CUresult in
                guard let base = raw.baseAddress else { return 0 }
                return driver.cuMemcpyHtoD(sumsIn, base, raw.count)
            }
            try driver.check(status, "cuMemcpyHtoD (running sums)")
        }
        let copiedLanes = min(sweep.copiedLanes, sweep.lanes)
        for (p, parameter) in source.parameters.enumerated() {
            switch parameter {
            case .lanes: slots[p] = UInt64(range.count)
            case .first: slots[p] = UInt64(range.lowerBound)
            case .copiedLanes: slots[p] = UInt64(copiedLanes)
            case .scalarWidth: slots[p] = UInt64(perLane ? scalarCount : 0)
            case .scalarTable: slots[p] = scalarTable
            default: break
            }
        }
        var arguments: [UnsafeMutableRawPointer?] = (0..<source.parameters.count).map { UnsafeMutableRawPointer(slots + $0) }
        try device.launch(functions.sweep, blocks: blocks, threads: source.isSequential ? 1 : CUDASource.blockSize, &arguments)
        var totalsOut = [Double](repeating: 0, count: columns)
        if columns > 0 {
            if let finish = functions.finish {
                // partials, the block count, totals: three slots past the sweep's own.
                let finishSlots = UnsafeMutablePointer<UInt64>.allocate(capacity: 3)
                defer { finishSlots.deallocate() }
                finishSlots[0] = partials
                finishSlots[1] = UInt64(blocks)
                finishSlots[2] = totals
                var finishArguments: [UnsafeMutableRawPointer?] = (0..<3).map { UnsafeMutableRawPointer(finishSlots + $0) }
                try device.launch(finish, blocks: 1, threads: 32, &finishArguments)
            }
            let totals = self.totals
            let status = totalsOut.withUnsafeMutableBytes { raw -> CUresult in
                guard let base = raw.baseAddress else { return 0 }
                return driver.cuMemcpyDtoH(base, totals, raw.count)
            }
            try driver.check(status, "cuMemcpyDtoH (the sweep's totals)")
        } else {
            try driver.check(driver.cuCtxSynchronize(), "cuCtxSynchronize (the sweep)")
        }
        var result = SweepResult<T>(sums: [Double](repeating: .nan, count: sweep.program.outputCount))
        for (c, k) in sweep.summed.enumerated() { result.sums[k] = totalsOut[c] }
        var column = sweep.summed.count
        if !sweep.squaresOf.isEmpty { result.squares = totalsOut[column]; column += 1 }
        if sweep.extremesOf != nil {
            result.extremes = SweepExtremes(min: totalsOut[column], max: totalsOut[column + 1], sawNaN: totalsOut[column + 2] != 0)
        }
        for copy in copies {
            var values = [T](repeating: 0, count: copiedLanes)
            if copiedLanes > 0 {
                let status = values.withUnsafeMutableBytes { raw -> CUresult in
                    guard let base = raw.baseAddress else { return 0 }
                    return driver.cuMemcpyDtoH(base, copy, raw.count)
                }
                try driver.check(status, "cuMemcpyDtoH (copied lanes)")
            }
            result.copied.append(values)
        }
        return result
    }
}

import Foundation
import GradlabDevice
import GradlabMath
import Synchronization

/// An NVIDIA GPU through the CUDA driver: buffers in device memory, sweeps
/// compiled at run time from their Program (``CUDASource``) with NVRTC for
/// the GPU's own `sm_XY`, and launched on its primary context.
///
/// State stays on the GPU between steps; a run copies back only its
/// reductions (a few Doubles) and the lanes a sweep copies out.
public final class CUDADevice: ComputeDevice {
    public let description: DeviceDescription
    let driver: CUDADriverAPI
    let nvrtc: NVRTC
    let ordinal: Int
    private let handle: CUdevice
    private let context: CUcontext
    /// Compute capability as `major * 10 + minor` (90 for an H100/H200).
    public let computeCapability: Int
    let multiprocessors: Int
    private var buffers: [Int: (pointer: CUdeviceptr, bytes: Int)] = [:]
    private var nextID = 1

    /// What is known of one GPU, for `gradlab devices`.
    public struct Info: Sendable {
        public var ordinal: Int
        public var name: String
        public var computeCapability: Int
        public var totalBytes: Int
        public var freeBytes: Int
        public var multiprocessors: Int
    }

    /// The driver and NVRTC found, or why not.
    public struct Discovery: Sendable {
        public var libraries: CUDALibraries
        public var driverVersion: Int?
        public var nvrtcVersion: String?
        public var driverPath: String?
        public var nvrtcPath: String?
        public var gpus: [Info]
        /// Why CUDA cannot be used, when it cannot; nil when it can.
        public var problem: String?
    }

    /// Loads the driver and NVRTC once per process.
    private static let loaded = Mutex<(CUDADriverAPI, NVRTC, Discovery)?>(nil)
    private static let discovered = Mutex<Discovery?>(nil)

    /// Finds the driver, NVRTC and the GPUs (once per process).
    public static func discover() -> Discovery {
        if let known = discovered.withLock({ $0 }) { return known }
        var libraries = CUDALibraries()
        var discovery = Discovery(libraries: libraries, gpus: [])
        defer { discovered.withLock { $0 = discovery } }
        guard let (driverPath, driverHandle) = libraries.open(CUDALibraries.driverCandidates) else {
            discovery.libraries = libraries
            discovery.problem = "no CUDA driver (\(libraries.summary))"
            return discovery
        }
        let driver: CUDADriverAPI
        do { driver = try CUDADriverAPI(path: driverPath, handle: driverHandle) } catch {
            discovery.libraries = libraries
            discovery.problem = "\(driverPath): \(error.message)"
            return discovery
        }
        discovery.driverPath = driverPath
        do {
            try driver.check(driver.cuInit(0), "cuInit")
            var version: Int32 = 0
            try driver.check(driver.cuDriverGetVersion(&version), "cuDriverGetVersion")
            discovery.driverVersion = Int(version)
            var count: Int32 = 0
            try driver.check(driver.cuDeviceGetCount(&count), "cuDeviceGetCount")
            for ordinal in 0..<Int(count) { discovery.gpus.append(try info(driver, ordinal)) }
        } catch {
            discovery.libraries = libraries
            discovery.problem = "\(driverPath): \(error.message)"
            return discovery
        }
        guard let nvrtc = NVRTC.load(&libraries) else {
            discovery.libraries = libraries
            discovery.problem = "no NVRTC, the CUDA run-time compiler (\(libraries.attempts.filter { $0.library.contains("nvrtc") }.map { "\($0.library): \($0.outcome)" }.joined(separator: "; ")))"
            return discovery
        }
        discovery.libraries = libraries
        discovery.nvrtcPath = nvrtc.path
        discovery.nvrtcVersion = nvrtc.version
        if discovery.gpus.isEmpty { discovery.problem = "\(driverPath): the driver sees no GPU" }
        let found = discovery
        loaded.withLock { $0 = (driver, nvrtc, found) }
        return discovery
    }

    private static func info(_ driver: CUDADriverAPI, _ ordinal: Int) throws(DeviceError) -> Info {
        var device: CUdevice = 0
        try driver.check(driver.cuDeviceGet(&device, Int32(ordinal)), "cuDeviceGet")
        var name = [CChar](repeating: 0, count: 256)
        try driver.check(driver.cuDeviceGetName(&name, 255, device), "cuDeviceGetName")
        var major: Int32 = 0, minor: Int32 = 0, sms: Int32 = 0
        try driver.check(driver.cuDeviceGetAttribute(&major, CUDAAttribute.computeCapabilityMajor, device), "cuDeviceGetAttribute")
        try driver.check(driver.cuDeviceGetAttribute(&minor, CUDAAttribute.computeCapabilityMinor, device), "cuDeviceGetAttribute")
        try driver.check(driver.cuDeviceGetAttribute(&sms, CUDAAttribute.multiprocessorCount, device), "cuDeviceGetAttribute")
        var total = 0
        try driver.check(driver.cuDeviceTotalMem(&total, device), "cuDeviceTotalMem")
        return Info(ordinal: ordinal, name: String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self),
                    computeCapability: Int(major) * 10 + Int(minor), totalBytes: total, freeBytes: 0, multiprocessors: Int(sms))
    }

    /// Opens GPU `ordinal`, or says in one paragraph why it cannot.
    public static func open(ordinal: Int, note: String? = nil) throws(DeviceError) -> CUDADevice {
        let discovery = discover()
        if let problem = discovery.problem { throw DeviceError("CUDA unavailable: \(problem)") }
        guard let (driver, nvrtc, _) = loaded.withLock({ $0 }) else { throw DeviceError("CUDA unavailable") }
        guard let gpu = discovery.gpus.first(where: { $0.ordinal == ordinal }) else {
            throw DeviceError("CUDA: no GPU \(ordinal) (the driver sees \(discovery.gpus.count))")
        }
        return try CUDADevice(driver: driver, nvrtc: nvrtc, gpu: gpu, note: note)
    }

    private init(driver: CUDADriverAPI, nvrtc: NVRTC, gpu: Info, note: String?) throws(DeviceError) {
        self.driver = driver
        self.nvrtc = nvrtc
        ordinal = gpu.ordinal
        var device: CUdevice = 0
        try driver.check(driver.cuDeviceGet(&device, Int32(gpu.ordinal)), "cuDeviceGet")
        handle = device
        var context: CUcontext?
        try driver.check(driver.cuDevicePrimaryCtxRetain(&context, device), "cuDevicePrimaryCtxRetain")
        guard let context else { throw DeviceError("cuda: cuDevicePrimaryCtxRetain returned no context") }
        self.context = context
        try driver.check(driver.cuCtxSetCurrent(context), "cuCtxSetCurrent")
        computeCapability = gpu.computeCapability
        multiprocessors = max(gpu.multiprocessors, 1)
        let kind: DeviceKind = .cuda(ordinal: gpu.ordinal)
        description = DeviceDescription(kind: kind, detail: "\(kind): \(gpu.name), sm_\(gpu.computeCapability)", note: note)
    }

    deinit {
        _ = driver.cuCtxSetCurrent(context)
        for entry in buffers.values { _ = driver.cuMemFree(entry.pointer) }
        _ = driver.cuDevicePrimaryCtxRelease(handle)
    }

    /// Makes the context current on the calling thread (the Session's
    /// compute thread in the app; tests call from others).
    func current() throws(DeviceError) { try driver.check(driver.cuCtxSetCurrent(context), "cuCtxSetCurrent") }

    public func allocate<T: ProgramScalar>(_ type: T.Type, count: Int, filled value: T) throws(DeviceError) -> DeviceBuffer<T> {
        try current()
        let bytes = max(count, 1) * MemoryLayout<T>.stride
        var free = 0, total = 0
        try driver.check(driver.cuMemGetInfo(&free, &total), "cuMemGetInfo")
        guard bytes <= free else {
            throw DeviceError("\(description.name): \(bytes) bytes needed for \(count) values, \(free) free of \(total)")
        }
        var pointer: CUdeviceptr = 0
        try driver.check(driver.cuMemAlloc(&pointer, bytes), "cuMemAlloc (\(bytes) bytes)")
        let buffer = DeviceBuffer<T>(id: nextID, count: count)
        nextID += 1
        buffers[buffer.id] = (pointer, bytes)
        // Filled in slices from the host.
        let slice = min(max(count, 1), 1 << 20)
        let fill = [T](repeating: value, count: slice)
        var start = 0
        while start < max(count, 1) {
            let n = min(slice, max(count, 1) - start)
            let status = fill.withUnsafeBytes { raw -> CUresult in
                guard let base = raw.baseAddress else { return 0 }
                return driver.cuMemcpyHtoD(pointer + UInt64(start * MemoryLayout<T>.stride), base, n * MemoryLayout<T>.stride)
            }
            try driver.check(status, "cuMemcpyHtoD")
            start += n
        }
        return buffer
    }

    public func free<T: ProgramScalar>(_ buffer: DeviceBuffer<T>) {
        guard let entry = buffers.removeValue(forKey: buffer.id) else { return }
        _ = driver.cuCtxSetCurrent(context)
        _ = driver.cuMemFree(entry.pointer)
    }

    func address<T: ProgramScalar>(_ buffer: DeviceBuffer<T>, _ offset: Int = 0) throws(DeviceError) -> CUdeviceptr {
        guard let entry = buffers[buffer.id] else { throw DeviceError("\(description.name): buffer \(buffer.id) is not allocated on this device") }
        return entry.pointer + UInt64(offset * MemoryLayout<T>.stride)
    }

    public func write<T: ProgramScalar>(_ values: UnsafeBufferPointer<T>, to buffer: DeviceBuffer<T>, at offset: Int) throws(DeviceError) {
        guard offset >= 0, offset + values.count <= buffer.count else {
            throw DeviceError("\(description.name): writing \(values.count) values at \(offset) overruns a buffer of \(buffer.count)")
        }
        guard let base = values.baseAddress, !values.isEmpty else { return }
        try current()
        try driver.check(driver.cuMemcpyHtoD(try address(buffer, offset), base, values.count * MemoryLayout<T>.stride), "cuMemcpyHtoD")
    }

    public func read<T: ProgramScalar>(_ buffer: DeviceBuffer<T>, range: Range<Int>, into target: UnsafeMutableBufferPointer<T>) throws(DeviceError) {
        guard range.lowerBound >= 0, range.upperBound <= buffer.count, target.count >= range.count else {
            throw DeviceError("\(description.name): reading \(range) of a buffer of \(buffer.count) values")
        }
        guard let base = target.baseAddress, !range.isEmpty else { return }
        try current()
        try driver.check(driver.cuMemcpyDtoH(base, try address(buffer, range.lowerBound), range.count * MemoryLayout<T>.stride), "cuMemcpyDtoH")
    }

    public func prepare<T: ProgramScalar>(_ sweep: Sweep<T>) throws(DeviceError) -> any PreparedSweep<T> {
        try current()
        return try CUDAPreparedSweep(sweep, device: self)
    }

    public func run<T: ProgramScalar>(
        _ prepared: any PreparedSweep<T>, scalars: [Double], lanes: Range<Int>?, sums: [Double]?
    ) throws(DeviceError) -> SweepResult<T> {
        guard let prepared = prepared as? CUDAPreparedSweep<T>, prepared.device === self else {
            throw DeviceError("\(description.name): the sweep was prepared by another device")
        }
        try current()
        return try prepared.run(scalars: scalars, lanes: lanes, sums: sums)
    }

    // MARK: - Modules

    /// Compiled modules by source text, for the process (a Program, its
    /// optimizer's rule and dtype give one text).
    private static let modules = Mutex<[String: LoadedModule]>([:])

    /// A module and its two kernels (driver handles: valid on any thread of the process).
    private struct LoadedModule: @unchecked Sendable {
        var module: CUmodule
        var sweep: CUfunction
        var finish: CUfunction?
    }

    /// The module for `source`, compiled and loaded on first use.
    func module(_ source: CUDASource) throws(DeviceError) -> (sweep: CUfunction, finish: CUfunction?) {
        let key = "\(ordinal)\n\(source.text)"
        if let known = Self.modules.withLock({ $0[key] }) { return (known.sweep, known.finish) }
        let compiled = try nvrtc.compile(source.text, name: "gradlab_sweep.cu", arch: computeCapability)
        var module: CUmodule?
        var log = [CChar](repeating: 0, count: 8192)
        let status = compiled.image.withUnsafeBytes { image -> CUresult in
            guard let base = image.baseAddress else { return 1 }
            var options: [Int32] = [5, 6]  // CU_JIT_ERROR_LOG_BUFFER, its size
            return log.withUnsafeMutableBufferPointer { logBuffer in
                var values: [UnsafeMutableRawPointer?] = [UnsafeMutableRawPointer(logBuffer.baseAddress), UnsafeMutableRawPointer(bitPattern: 8192)]
                return driver.cuModuleLoadDataEx(&module, base, 2, &options, &values)
            }
        }
        if status != 0 {
            let text = String(decoding: log.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            do { try driver.check(status, "cuModuleLoadDataEx") } catch {
                throw DeviceError(error.message + (text.isEmpty ? "" : "\n" + text))
            }
        }
        guard let module else { throw DeviceError("cuda: cuModuleLoadDataEx returned no module") }
        var sweep: CUfunction?, finish: CUfunction?
        try driver.check(driver.cuModuleGetFunction(&sweep, module, "gradlab_sweep"), "cuModuleGetFunction(gradlab_sweep)")
        if source.hasFinish {
            try driver.check(driver.cuModuleGetFunction(&finish, module, "gradlab_finish"), "cuModuleGetFunction(gradlab_finish)")
        }
        guard let sweep else { throw DeviceError("cuda: no gradlab_sweep in the module") }
        let loaded = LoadedModule(module: module, sweep: sweep, finish: finish)
        Self.modules.withLock { $0[key] = loaded }
        return (sweep, finish)
    }

    /// Launches `function` with `arguments` (each a pointer to its value).
    func launch(_ function: CUfunction, blocks: Int, threads: Int, _ arguments: inout [UnsafeMutableRawPointer?]) throws(DeviceError) {
        let status = arguments.withUnsafeMutableBufferPointer { args in
            driver.cuLaunchKernel(function, UInt32(blocks), 1, 1, UInt32(threads), 1, 1, 0, nil, args.baseAddress, nil)
        }
        try driver.check(status, "cuLaunchKernel")
    }

    /// Scratch memory a prepared sweep owns (freed with it).
    func scratch(bytes: Int) throws(DeviceError) -> CUdeviceptr {
        var pointer: CUdeviceptr = 0
        try driver.check(driver.cuMemAlloc(&pointer, max(bytes, 8)), "cuMemAlloc (\(bytes) bytes)")
        return pointer
    }

    func release(scratch pointer: CUdeviceptr) {
        _ = driver.cuCtxSetCurrent(context)
        _ = driver.cuMemFree(pointer)
    }
}

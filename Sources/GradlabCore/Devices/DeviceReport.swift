import Foundation
import GradlabCUDA
import GradlabMath

/// What `gradlab devices` prints: each device, usable or not and why.
public enum DeviceReport {
    /// One paragraph per device: the CPU, then CUDA (the libraries tried,
    /// versions, each GPU's name, compute capability and memory).
    public static func text() -> String {
        var lines = ["cpu: usable", "  \(CPUDevice.detail)"]
        let discovery = CUDADevice.discover()
        lines.append("")
        if let problem = discovery.problem {
            lines.append("cuda: not usable: \(problem)")
        } else {
            lines.append("cuda: usable")
        }
        if let path = discovery.driverPath, let version = discovery.driverVersion {
            lines.append("  driver: \(path), CUDA \(version / 1000).\((version % 1000) / 10)")
        }
        if let path = discovery.nvrtcPath, let version = discovery.nvrtcVersion {
            lines.append("  nvrtc: \(path), \(version)")
        }
        for gpu in discovery.gpus {
            lines.append("  cuda:\(gpu.ordinal): \(gpu.name), sm_\(gpu.computeCapability), \(gpu.multiprocessors) multiprocessors, "
                         + "\(gpu.totalBytes / (1 << 20)) MiB")
        }
        lines.append("  tried, in order:")
        for attempt in discovery.libraries.attempts { lines.append("    \(attempt.library): \(attempt.outcome)") }
        if discovery.driverPath == nil {
            lines.append("    (NVRTC is looked for once a driver loads: GRADLAB_NVRTC, libnvrtc.so.13, libnvrtc.so.12, libnvrtc.so,")
            lines.append("     then python3's nvidia/cuda_nvrtc and nvidia/cu13 wheel folders)")
        }
        return lines.joined(separator: "\n")
    }

    /// The CUDA C that a lab with `config` compiles: every sweep its start
    /// and first epochs prepare (each optimizer variant), as the CUDA device
    /// would generate it. Runs the lab on the CPU to find them.
    public static func sources(for config: LabConfig, epochs: Int = 2) throws(GradlabError) -> [String] {
        try config.validate()
        var config = config
        config.device = "cpu"
        let device = SourceRecordingDevice()
        let lab = try makeLab(config, device: device)
        lab.measuresForInspector = true
        lab.summarizesPoints = true
        _ = try lab.startRecord()
        for _ in 0..<epochs { _ = try lab.runEpoch() }
        return device.sources
    }
}

/// The CPU device, noting the CUDA C of every sweep it prepares.
final class SourceRecordingDevice: ComputeDevice {
    private let cpu = CPUDevice()
    private(set) var sources: [String] = []
    var description: DeviceDescription { cpu.description }

    func allocate<T: ProgramScalar>(_ type: T.Type, count: Int, filled value: T) throws(DeviceError) -> DeviceBuffer<T> {
        try cpu.allocate(type, count: count, filled: value)
    }
    func free<T: ProgramScalar>(_ buffer: DeviceBuffer<T>) { cpu.free(buffer) }
    func write<T: ProgramScalar>(_ values: UnsafeBufferPointer<T>, to buffer: DeviceBuffer<T>, at offset: Int) throws(DeviceError) {
        try cpu.write(values, to: buffer, at: offset)
    }
    func read<T: ProgramScalar>(_ buffer: DeviceBuffer<T>, range: Range<Int>, into target: UnsafeMutableBufferPointer<T>) throws(DeviceError) {
        try cpu.read(buffer, range: range, into: target)
    }
    func prepare<T: ProgramScalar>(_ sweep: Sweep<T>) throws(DeviceError) -> any PreparedSweep<T> {
        let text = CUDASource(sweep).text
        if !sources.contains(text) { sources.append(text) }
        return try cpu.prepare(sweep)
    }
    func run<T: ProgramScalar>(_ sweep: any PreparedSweep<T>, scalars: [Double], lanes: Range<Int>?, sums: [Double]?) throws(DeviceError) -> SweepResult<T> {
        try cpu.run(sweep, scalars: scalars, lanes: lanes, sums: sums)
    }
}

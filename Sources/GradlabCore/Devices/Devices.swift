#if canImport(Glibc)
import Glibc
#endif

@_exported import GradlabDevice

/// Opens the device `--device` asks for.
///
/// The CPU always works. CUDA is looked for at run time with `dlopen`
/// (never linked), so gradlab builds and runs where there is no CUDA at
/// all; `auto` falls back to the CPU and says why in the device's note.
public enum Devices {
    /// The device for `--device auto|cpu|cuda`; an explicit `cuda` that
    /// cannot be used is an error naming the libraries tried.
    public static func open(_ requested: String) throws(GradlabError) -> any ComputeDevice {
        switch probe(requested) {
        case .success(let device): return device
        case .failure(let error): throw error
        }
    }

    /// Like ``open(_:)`` without throwing, for the TUI's `d` key.
    public static func probe(_ requested: String) -> Result<any ComputeDevice, GradlabError> {
        guard let request = DeviceRequest(requested) else {
            return .failure(GradlabError("--device must be auto, cpu or cuda, got '\(requested)'"))
        }
        switch request {
        case .exactly(.cpu):
            return .success(CPUDevice())
        case .auto:
            switch CUDADriver.probe() {
            case nil: return .success(CPUDevice(note: "auto: \(CUDADriver.executorMissing)"))
            case let reasons?: return .success(CPUDevice(note: "no CUDA (\(reasons.first ?? "not found")); using cpu"))
            }
        case .exactly(.cuda):
            switch CUDADriver.probe() {
            case nil: return .failure(GradlabError("--device \(request): \(CUDADriver.executorMissing)"))
            case let reasons?:
                let tried = CUDADriver.driverLibraries.joined(separator: ", ")
                return .failure(GradlabError("--device \(request): CUDA unavailable: tried \(tried): \(reasons.joined(separator: "; "))"))
            }
        }
    }

    /// The devices the TUI's `d` key cycles through.
    public static let cycle = ["cpu", "cuda"]
}

/// Run-time discovery of the CUDA driver and NVRTC.
enum CUDADriver {
    static let driverLibraries = ["libcuda.so.1", "libcuda.so"]

    static let executorMissing = "a CUDA driver was found, but this build of gradlab has no CUDA executor yet; using cpu"

    /// Loads the driver library and calls `cuInit(0)`. Returns nil when the
    /// driver works, else one reason per library in ``driverLibraries``: the
    /// loader's or the driver's own message.
    static func probe() -> [String]? {
        var reasons: [String] = []
        for name in driverLibraries {
            guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) else {
                reasons.append(dlerror().map { String(cString: $0) } ?? "\(name): not found")
                continue
            }
            defer { dlclose(handle) }
            typealias CuInit = @convention(c) (UInt32) -> Int32
            guard let symbol = dlsym(handle, "cuInit") else {
                reasons.append("\(name): no cuInit symbol")
                continue
            }
            let status = unsafeBitCast(symbol, to: CuInit.self)(0)
            if status == 0 { return nil }
            reasons.append("\(name): cuInit failed with CUresult \(status)\(status == 100 ? " (CUDA_ERROR_NO_DEVICE)" : "")")
        }
        return reasons
    }
}

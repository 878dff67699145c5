#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Which executor computes, and why when it is not the one asked for.
///
/// CPU always works. CUDA is looked for at run time with `dlopen` (never
/// linked), so gradlab builds and runs where there is no CUDA at all.
public struct DeviceStatus: Sendable, Equatable {
    /// `cpu` or `cuda`.
    public var name: String
    /// Why `auto` fell back to the CPU, if it did.
    public var note: String?

    /// The device for `--device auto|cpu|cuda`; an explicit `cuda` that cannot
    /// be used is an error naming the libraries tried.
    public static func resolve(_ requested: String) throws(GradlabError) -> DeviceStatus {
        switch probe(requested) {
        case .success(let status): return status
        case .failure(let error): throw error
        }
    }

    /// Like ``resolve(_:)`` without throwing, for the TUI's `d` key.
    public static func probe(_ requested: String) -> Result<DeviceStatus, GradlabError> {
        switch requested {
        case "cpu":
            return .success(DeviceStatus(name: "cpu", note: nil))
        case "auto":
            switch CUDADriver.probe() {
            case nil: return .success(DeviceStatus(name: "cpu", note: "auto: \(CUDADriver.executorMissing)"))
            case let why?: return .success(DeviceStatus(name: "cpu", note: "no CUDA (\(CUDADriver.firstReason(why))); using cpu"))
            }
        case "cuda":
            switch CUDADriver.probe() {
            case nil: return .failure(GradlabError("--device cuda: \(CUDADriver.executorMissing)"))
            case let why?: return .failure(GradlabError("--device cuda: CUDA unavailable: \(why)"))
            }
        default:
            return .failure(GradlabError("--device must be auto, cpu or cuda, got '\(requested)'"))
        }
    }

    /// The devices the TUI's `d` key cycles through.
    public static let cycle = ["cpu", "cuda"]
}

/// Run-time discovery of the CUDA driver and NVRTC.
enum CUDADriver {
    static let driverLibraries = ["libcuda.so.1", "libcuda.so"]

    /// The first library's failure, without the list of names tried.
    static func firstReason(_ why: String) -> String {
        let afterList = why.split(separator: ":", maxSplits: 1).dropFirst().first.map(String.init) ?? why
        return afterList.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? afterList
    }

    static let executorMissing = "a CUDA driver was found, but this build of gradlab has no CUDA executor yet; using cpu"

    /// Loads the driver library and calls `cuInit(0)`. Returns nil when the
    /// driver works, else text naming every library tried and the loader's or
    /// driver's own message.
    static func probe() -> String? {
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
        return ("tried \(driverLibraries.joined(separator: ", ")): \(reasons.joined(separator: "; "))")
    }
}

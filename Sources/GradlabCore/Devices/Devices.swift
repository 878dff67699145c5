
@_exported import GradlabDevice
import GradlabCUDA

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
        case .failure(let error):
            // On the command line: the flag, and the way out.
            throw GradlabError("--device \(error.message)" + (DeviceRequest(requested) == nil ? "" : "; --device cpu always works"))
        }
    }

    /// Like ``open(_:)`` without throwing, for the TUI's `d` key and
    /// `:device`: the error names no flag (`cuda: CUDA unavailable ...`).
    public static func probe(_ requested: String) -> Result<any ComputeDevice, GradlabError> {
        guard let request = DeviceRequest(requested) else {
            return .failure(GradlabError("must be auto, cpu or cuda, got '\(requested)'"))
        }
        switch request {
        case .exactly(.cpu):
            return .success(CPUDevice())
        case .auto:
            do {
                return .success(try CUDADevice.open(ordinal: 0))
            } catch {
                // "no CUDA driver (...)" says what it is; a path's error needs the word.
                let problem = CUDADevice.discover().problem ?? error.message
                return .success(CPUDevice(note: "\(problem.hasPrefix("no ") ? problem : "CUDA unavailable: " + problem); using cpu"))
            }
        case .exactly(.cuda(let ordinal)):
            do {
                return .success(try CUDADevice.open(ordinal: ordinal))
            } catch {
                return .failure(GradlabError("\(request): \(error.message). "
                    + "Set GRADLAB_CUDA_DRIVER or GRADLAB_NVRTC to a library's path, or install NVIDIA's driver and the "
                    + "nvidia-cuda-nvrtc-cu12 wheel (docs/devices.md)"))
            }
        }
    }

    /// The devices the TUI's `d` key cycles through.
    public static let cycle = ["cpu", "cuda"]
}

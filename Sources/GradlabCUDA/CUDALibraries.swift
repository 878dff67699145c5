import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GradlabDevice

/// The CUDA driver and NVRTC, found and loaded at run time with `dlopen`:
/// gradlab links neither and needs no CUDA headers to build.
///
/// Search order (docs/devices.md):
/// - driver: `GRADLAB_CUDA_DRIVER` (a path), then `libcuda.so.1`, `libcuda.so`;
/// - NVRTC: `GRADLAB_NVRTC` (a path), then `libnvrtc.so.13`, `libnvrtc.so.12`,
///   `libnvrtc.so`, then the `nvidia/cuda_nvrtc/lib` and `nvidia/cu13/lib`
///   folders of the Python wheels in `python3`'s site-packages.
///
/// Every attempt is kept, with the loader's or the driver's own words, so
/// that `gradlab devices` and `--device cuda` can say exactly what was tried.
public struct CUDALibraries: Sendable {
    /// Each library tried, in order, and what happened.
    public var attempts: [(library: String, outcome: String)] = []

    static func environment(_ name: String) -> String? {
        ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The driver candidates, in search order.
    static var driverCandidates: [String] {
        (environment("GRADLAB_CUDA_DRIVER").map { [$0] } ?? []) + ["libcuda.so.1", "libcuda.so"]
    }

    /// The NVRTC candidates, in search order (the wheels' folders asked of python3).
    static var nvrtcCandidates: [String] {
        var names = (environment("GRADLAB_NVRTC").map { [$0] } ?? []) + ["libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so"]
        for folder in pythonSitePackages() {
            for (sub, file) in [("nvidia/cuda_nvrtc/lib", "libnvrtc.so.12"), ("nvidia/cu13/lib", "libnvrtc.so.13")] {
                let path = "\(folder)/\(sub)/\(file)"
                if FileManager.default.fileExists(atPath: path) { names.append(path) }
            }
        }
        return names
    }

    /// `python3`'s site-packages folders (empty when there is no python3).
    static func pythonSitePackages() -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import site; print('\\n'.join(site.getsitepackages() + [site.getusersitepackages()]))"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return [] }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, let text = String(data: data, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").map(String.init)
    }

    /// Opens the first of `candidates` that loads, noting every attempt.
    mutating func open(_ candidates: [String], before: (String) -> Void = { _ in }) -> (path: String, handle: UnsafeMutableRawPointer)? {
        for name in candidates {
            before(name)
            if let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) {
                attempts.append((name, "loaded"))
                return (name, handle)
            }
            let reason = dlerror().map { String(cString: $0) } ?? "not found"
            attempts.append((name, reason.hasSuffix("cannot open shared object file: No such file or directory") ? "not found" : reason))
        }
        return nil
    }

    /// The attempts as one line: `libcuda.so.1: cannot open...; libcuda.so: ...`.
    public var summary: String { attempts.map { "\($0.library): \($0.outcome)" }.joined(separator: "; ") }
}

/// Looks up `name` in `handle` as a C function of type `F`.
func symbol<F>(_ handle: UnsafeMutableRawPointer, _ name: String, as _: F.Type) throws(DeviceError) -> F {
    guard let pointer = dlsym(handle, name) else { throw DeviceError("\(name): no such symbol in the library") }
    return unsafeBitCast(pointer, to: F.self)
}

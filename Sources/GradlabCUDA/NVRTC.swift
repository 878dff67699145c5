import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GradlabDevice

/// NVRTC, the run-time CUDA C++ compiler: CUDA C in, CUBIN (or PTX) out.
final class NVRTC: @unchecked Sendable {
    typealias Program = OpaquePointer
    let path: String
    private let nvrtcVersion: @convention(c) (UnsafeMutablePointer<Int32>, UnsafeMutablePointer<Int32>) -> Int32
    private let nvrtcCreateProgram: @convention(c) (UnsafeMutablePointer<Program?>, UnsafePointer<CChar>, UnsafePointer<CChar>?, Int32,
                                                    UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<UnsafePointer<CChar>?>?) -> Int32
    private let nvrtcCompileProgram: @convention(c) (Program, Int32, UnsafePointer<UnsafePointer<CChar>?>?) -> Int32
    private let nvrtcGetProgramLogSize: @convention(c) (Program, UnsafeMutablePointer<Int>) -> Int32
    private let nvrtcGetProgramLog: @convention(c) (Program, UnsafeMutablePointer<CChar>) -> Int32
    private let nvrtcGetCUBINSize: @convention(c) (Program, UnsafeMutablePointer<Int>) -> Int32
    private let nvrtcGetCUBIN: @convention(c) (Program, UnsafeMutablePointer<CChar>) -> Int32
    private let nvrtcGetPTXSize: @convention(c) (Program, UnsafeMutablePointer<Int>) -> Int32
    private let nvrtcGetPTX: @convention(c) (Program, UnsafeMutablePointer<CChar>) -> Int32
    private let nvrtcDestroyProgram: @convention(c) (UnsafeMutablePointer<Program?>) -> Int32
    private let nvrtcGetErrorString: @convention(c) (Int32) -> UnsafePointer<CChar>?

    init(path: String, handle: UnsafeMutableRawPointer) throws(DeviceError) {
        self.path = path
        func f<F>(_ name: String, _ type: F.Type) throws(DeviceError) -> F { try symbol(handle, name, as: type) }
        nvrtcVersion = try f("nvrtcVersion", (@convention(c) (UnsafeMutablePointer<Int32>, UnsafeMutablePointer<Int32>) -> Int32).self)
        nvrtcCreateProgram = try f("nvrtcCreateProgram", (@convention(c) (UnsafeMutablePointer<Program?>, UnsafePointer<CChar>, UnsafePointer<CChar>?, Int32,
                                                                          UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<UnsafePointer<CChar>?>?) -> Int32).self)
        nvrtcCompileProgram = try f("nvrtcCompileProgram", (@convention(c) (Program, Int32, UnsafePointer<UnsafePointer<CChar>?>?) -> Int32).self)
        nvrtcGetProgramLogSize = try f("nvrtcGetProgramLogSize", (@convention(c) (Program, UnsafeMutablePointer<Int>) -> Int32).self)
        nvrtcGetProgramLog = try f("nvrtcGetProgramLog", (@convention(c) (Program, UnsafeMutablePointer<CChar>) -> Int32).self)
        nvrtcGetCUBINSize = try f("nvrtcGetCUBINSize", (@convention(c) (Program, UnsafeMutablePointer<Int>) -> Int32).self)
        nvrtcGetCUBIN = try f("nvrtcGetCUBIN", (@convention(c) (Program, UnsafeMutablePointer<CChar>) -> Int32).self)
        nvrtcGetPTXSize = try f("nvrtcGetPTXSize", (@convention(c) (Program, UnsafeMutablePointer<Int>) -> Int32).self)
        nvrtcGetPTX = try f("nvrtcGetPTX", (@convention(c) (Program, UnsafeMutablePointer<CChar>) -> Int32).self)
        nvrtcDestroyProgram = try f("nvrtcDestroyProgram", (@convention(c) (UnsafeMutablePointer<Program?>) -> Int32).self)
        nvrtcGetErrorString = try f("nvrtcGetErrorString", (@convention(c) (Int32) -> UnsafePointer<CChar>?).self)
    }

    /// Loads NVRTC from the search order (``CUDALibraries``). A CUDA 13
    /// wheel's library has no RUNPATH: its builtins library is loaded first,
    /// by absolute path, so that compiles find it.
    static func load(_ libraries: inout CUDALibraries) -> NVRTC? {
        let opened = libraries.open(CUDALibraries.nvrtcCandidates) { name in
            guard name.hasPrefix("/") else { return }
            let folder = (name as NSString).deletingLastPathComponent
            let builtins = (try? FileManager.default.contentsOfDirectory(atPath: folder))?.first { $0.hasPrefix("libnvrtc-builtins.so") }
            if let builtins { _ = dlopen("\(folder)/\(builtins)", RTLD_NOW | RTLD_GLOBAL) }
        }
        guard let (path, handle) = opened else { return nil }
        do { return try NVRTC(path: path, handle: handle) } catch {
            libraries.attempts.append((path, error.message))
            return nil
        }
    }

    /// `major.minor`.
    var version: String {
        var major: Int32 = 0, minor: Int32 = 0
        _ = nvrtcVersion(&major, &minor)
        return "\(major).\(minor)"
    }

    /// What a compile gives: the module image, which kind it is, and the log.
    struct Compiled {
        var image: [UInt8]
        var isCUBIN: Bool
        var log: String
    }

    /// Compiles `source` for `sm_<arch>` (CUBIN); when NVRTC has no such
    /// target, for `compute_<arch>` (PTX, which the driver assembles).
    /// A failed compile throws with NVRTC's log.
    func compile(_ source: String, name: String, arch: Int, extraOptions: [String] = []) throws(DeviceError) -> Compiled {
        do {
            return try compile(source, name: name, target: "sm_\(arch)", cubin: true, extraOptions: extraOptions)
        } catch let error where error.message.contains("NVRTC_ERROR_INVALID_OPTION") {
            return try compile(source, name: name, target: "compute_\(arch)", cubin: false, extraOptions: extraOptions)
        }
    }

    private func compile(_ source: String, name: String, target: String, cubin: Bool, extraOptions: [String]) throws(DeviceError) -> Compiled {
        var program: Program?
        try check(source.withCString { text in name.withCString { nvrtcCreateProgram(&program, text, $0, 0, nil, nil) } }, "nvrtcCreateProgram")
        guard let program else { throw DeviceError("nvrtc: nvrtcCreateProgram returned no program") }
        defer { var p: Program? = program; _ = nvrtcDestroyProgram(&p) }
        // --fmad=false: multiply and add round separately, as on the CPU.
        let options = ["--gpu-architecture=\(target)", "--fmad=false", "-default-device", "-Xptxas=-v"] + extraOptions
        let status = withCStrings(options) { nvrtcCompileProgram(program, Int32(options.count), $0) }
        var logSize = 0
        _ = nvrtcGetProgramLogSize(program, &logSize)
        var log = [CChar](repeating: 0, count: max(logSize, 1))
        _ = nvrtcGetProgramLog(program, &log)
        let logText = String(decoding: log.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard status == 0 else {
            throw DeviceError("nvrtc: compiling \(name) for \(target) failed: \(errorName(status))\n\(logText)")
        }
        var size = 0
        try check(cubin ? nvrtcGetCUBINSize(program, &size) : nvrtcGetPTXSize(program, &size), "nvrtcGet\(cubin ? "CUBIN" : "PTX")Size")
        var image = [CChar](repeating: 0, count: max(size, 1))
        try check(cubin ? nvrtcGetCUBIN(program, &image) : nvrtcGetPTX(program, &image), "nvrtcGet\(cubin ? "CUBIN" : "PTX")")
        return Compiled(image: image.prefix(size).map { UInt8(bitPattern: $0) }, isCUBIN: cubin, log: logText)
    }

    private func errorName(_ status: Int32) -> String {
        nvrtcGetErrorString(status).map { String(cString: $0) } ?? "nvrtc status \(status)"
    }

    private func check(_ status: Int32, _ call: String) throws(DeviceError) {
        if status != 0 { throw DeviceError("nvrtc: \(call) failed: \(errorName(status))") }
    }
}

/// Runs `body` with `strings` as an array of C strings.
func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let copies = strings.map { strdup($0) }
    defer { for copy in copies { free(copy) } }
    let pointers = copies.map { UnsafePointer($0) }
    return pointers.withUnsafeBufferPointer { buffer in
        guard let base = buffer.baseAddress else { preconditionFailure("no C strings") }
        return body(base)
    }
}

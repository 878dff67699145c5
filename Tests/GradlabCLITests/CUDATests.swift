import Foundation
import Testing
import GradlabTestSupport
@testable import GradlabCore
@testable import GradlabCUDA

/// The CUDA device without a GPU (docs/devices.md): real NVRTC compiles
/// every kernel gradlab generates; the generated source, compiled as C++
/// with the emulation header and run by a test double of the driver, gives
/// the CPU device's results through the whole Swift device path.
@Suite("CUDA without a GPU")
struct CUDATests {
    /// Every optimizer with its options that change the update's shape.
    static let optimizers: [[String]] = [
        ["--optimizer", "sgd"],
        ["--optimizer", "sgd", "--momentum", "0.9", "--nesterov", "--weight-decay", "0.01"],
        ["--optimizer", "sgd", "--momentum", "0.5", "--dampening", "0.3", "--maximize"],
        ["--optimizer", "adam", "--amsgrad", "--weight-decay", "0.1"],
        ["--optimizer", "adamw", "--betas", "0.3,0.9"],
        ["--optimizer", "rmsprop", "--centered", "--momentum", "0.5"],
        ["--optimizer", "adagrad", "--lr-decay", "0.01", "--initial-accumulator-value", "0.1"],
    ]

    static let labs: [[String]] = [
        ["--lab", "landscape", "--points", "3000", "--track", "20"],
        ["--lab", "quadratic"],
        ["--lab", "linear"],
    ]

    /// Every language function and operator, in a landscape.
    static let everyFunction = "sin(x1)*cos(x2) + tan(0.1*x1) + exp(-x2^2) + log(x1^2 + 1) + sqrt(abs(x2) + 1) + tanh(x1) "
        + "+ sigmoid(x2) + relu(x1 - 1) + min(x1, x2) + max(x1, 2) + x1^2.5 / (1 + x2^2) - x2^3"

    // MARK: - NVRTC

    /// The real NVRTC (the `nvidia-cuda-nvrtc-cu12` wheel `.ci/run` installs), if found.
    static let nvrtc: NVRTC? = {
        var libraries = CUDALibraries()
        return NVRTC.load(&libraries)
    }()

    /// What `gradlab devices --emit-source` prints for `arguments`, kernel by kernel.
    static func sources(_ arguments: [String]) throws -> [String] {
        let result = try Gradlab.run(["devices", "--emit-source"] + arguments)
        guard result.status == 0 else { throw FixtureError("devices --emit-source \(arguments): \(result.stderr)") }
        return result.stdout.components(separatedBy: "// ---- kernel source ").dropFirst().map { "// " + $0 }
    }

    static let compileCases: [[String]] = {
        var cases: [[String]] = []
        for lab in labs { for optimizer in optimizers { for dtype in ["f32", "f64"] { cases.append(lab + optimizer + ["--dtype", dtype]) } } }
        cases.append(["--points", "100", "--compare", "sgd,momentum,adam:lr=0.05:amsgrad"])
        cases.append(["--points", "100", "--f", everyFunction, "--dtype", "f32"])
        cases.append(["--points", "100", "--f", everyFunction, "--dtype", "f64"])
        return cases
    }()

    @Test(.enabled(if: nvrtc != nil, "needs NVRTC (pip install nvidia-cuda-nvrtc-cu12; .ci/run installs it)"),
          arguments: compileCases)
    func nvrtcCompilesEveryKernel(arguments: [String]) throws {
        let nvrtc = try #require(Self.nvrtc)
        for source in try Self.sources(arguments) {
            for arch in [80, 90] {
                let compiled = try nvrtc.compile(source, name: "gradlab_sweep.cu", arch: arch)
                #expect(compiled.isCUBIN && !compiled.image.isEmpty)
                let image = String(decoding: compiled.image, as: UTF8.self)
                #expect(image.contains("gradlab_sweep"), "no gradlab_sweep entry for sm_\(arch)")
                if source.contains("gradlab_finish") { #expect(image.contains("gradlab_finish")) }
                // -Xptxas=-v: registers and spills per kernel; none may spill.
                #expect(compiled.log.contains("Used"), "no ptxas report in the log: \(compiled.log)")
                for line in compiled.log.split(separator: "\n") where line.contains("spill") {
                    #expect(line.contains("0 bytes spill stores, 0 bytes spill loads"), "\(arguments) sm_\(arch): \(line)")
                }
            }
        }
    }

    @Test(.enabled(if: nvrtc != nil, "needs NVRTC"))
    func aBrokenSourceCarriesNVRTCsLog() throws {
        let nvrtc = try #require(Self.nvrtc)
        do {
            _ = try nvrtc.compile("extern \"C\" __global__ void gradlab_sweep() { undeclared_thing = 1; }", name: "broken.cu", arch: 90)
            Issue.record("a broken source compiled")
        } catch {
            #expect(error.message.contains("NVRTC_ERROR_COMPILATION"))
            #expect(error.message.contains("broken.cu") && error.message.contains("undeclared_thing"))
        }
    }

    // MARK: - Emulation through the driver double

    /// The driver and NVRTC double, built once for the tests (nil when there
    /// is no C compiler).
    static let double: String? = {
        guard let directory = try? Fixtures.temporaryDirectory() else { return nil }
        let library = directory.appendingPathComponent("libgradlab-fake-cuda.so").path
        let source = Fixtures.packageRoot.appendingPathComponent("Tests/CUDAEmulation/fake_cuda.c").path
        guard let result = try? Subprocess.run(["cc", "-O1", "-fPIC", "-shared", "-o", library, source, "-ldl"]),
              result.status == 0 else { return nil }
        return library
    }()

    static func emulated(_ extra: [String: String] = [:]) throws -> [String: String] {
        let library = try #require(double)
        var environment = ProcessInfo.processInfo.environment
        environment["GRADLAB_CUDA_DRIVER"] = library
        environment["GRADLAB_NVRTC"] = library
        environment["GRADLAB_EMULATION_HEADER"] = Fixtures.packageRoot.appendingPathComponent("Tests/CUDAEmulation/gradlab_emulation.h").path
        for (key, value) in extra { environment[key] = value }
        return environment
    }

    static let emulationCases: [[String]] = {
        var cases: [[String]] = []
        for optimizer in optimizers { for dtype in ["f32", "f64"] { cases.append(labs[0] + optimizer + ["--dtype", dtype, "--epochs", "4"]) } }
        for lab in labs.dropFirst() {
            for optimizer in [optimizers[0], optimizers[1], optimizers[3]] {
                for dtype in ["f32", "f64"] { cases.append(lab + optimizer + ["--dtype", dtype, "--epochs", "4"]) }
            }
        }
        // Each group's summary of its untracked points too (--track 10).
        cases.append(["--points", "500", "--compare", "sgd,momentum,adam:lr=0.05", "--epochs", "4", "--dtype", "f64", "--track", "10"])
        cases.append(["--points", "500", "--f", everyFunction, "--epochs", "3", "--dtype", "f64", "--lr", "0.001"])
        // Newton: its direction (the Hessian, |λ| floored, a 2×2 solve) in the generated kernel.
        cases.append(["--points", "500", "--f", "rosenbrock", "--optimizer", "newton", "--epochs", "4", "--dtype", "f64"])
        cases.append(["--points", "500", "--optimizer", "newton", "--damping", "0.5", "--epochs", "3", "--dtype", "f32"])
        return cases
    }()

    /// A headless run on `--device cuda` through the double matches
    /// `--device cpu`: Double within 1e-12 relative, Float within 1e-5.
    @Test(.enabled(if: double != nil, "needs a C compiler (cc) to build the driver double"), arguments: emulationCases)
    func emulatedRunsMatchTheCPU(arguments: [String]) throws {
        try Self.expectEmulatedRunMatchesTheCPU(arguments)
    }

    /// Runs `arguments` headless on the CPU and on the emulated CUDA device,
    /// recording both, and expects the same epochs: Double within 1e-12
    /// relative, Float within 1e-5; with `requiringMovement`, also that the
    /// run moved its parameters (so the comparison is of real updates).
    static func expectEmulatedRunMatchesTheCPU(_ arguments: [String], requiringMovement: Bool = false) throws {
        let directory = try Fixtures.temporaryDirectory()
        var runs: [RunFile] = []
        for device in ["cpu", "cuda"] {
            let path = directory.appendingPathComponent("\(device).json").path
            let result = try Gradlab.run(["--headless", "--quiet", "--device", device, "--record", path] + arguments,
                                         environment: device == "cuda" ? try emulated() : nil)
            #expect(result.status == 0, "\(device): \(result.stderr)")
            runs.append(try RunFile.load(path: path))
        }
        let tolerance = arguments.contains("f32") ? 1e-5 : 1e-12
        let (cpu, cuda) = (runs[0].epochs, runs[1].epochs)
        #expect(cpu.count == cuda.count && cpu.count > 1)
        var worst = 0.0
        func compare(_ a: Double, _ b: Double) { worst = max(worst, a == b ? 0 : abs(a - b) / max(1, abs(a))) }
        for (a, b) in zip(cpu, cuda) {
            compare(a.loss, b.loss)
            for (p, q) in zip(a.points ?? [], b.points ?? []) { compare(p.x, q.x); compare(p.y, q.y) }
            for (p, q) in zip(a.params, b.params) { for (u, v) in zip(p.values, q.values) { compare(u, v) } }
            #expect((a.summary == nil) == (b.summary == nil) && a.groupSummary?.count == b.groupSummary?.count)
            for (p, q) in zip([a.summary].compactMap { $0 } + (a.groupSummary ?? []), [b.summary].compactMap { $0 } + (b.groupSummary ?? [])) {
                compare(p.fMin, q.fMin); compare(p.fMax, q.fMax); compare(p.mean.x, q.mean.x); compare(p.mean.y, q.mean.y)
            }
        }
        #expect(worst <= tolerance, "\(arguments): worst relative difference \(worst)")
        if requiringMovement {
            #expect(cpu.first?.points != cpu.last?.points || cpu.first?.params != cpu.last?.params)
        }
        #expect(runs[1].events.contains { if case .device(_, let name, _) = $0 { name == "cuda" } else { false } })
    }

    @Test(.enabled(if: double != nil, "needs a C compiler (cc)"))
    func tooManyPointsForTheGPUIsAClearError() throws {
        let result = try Gradlab.run(["--headless", "--quiet", "--device", "cuda", "--points", "1000000", "--epochs", "1"],
                                     environment: try Self.emulated(["GRADLAB_EMULATED_MEMORY": "1000000"]))
        #expect(result.status != 0)
        #expect(result.stderr.contains("bytes needed") && result.stderr.contains("free"), "\(result.stderr)")
        #expect(!result.stderr.contains("Fatal error"))
    }

    /// The points fit but Adam's state, made at the first step, does not:
    /// the run stops with the device's words and a non-zero exit, no crash.
    @Test(.enabled(if: double != nil, "needs a C compiler (cc)"))
    func runningOutOfMemoryMidRunStopsCleanly() throws {
        let result = try Gradlab.run(["--headless", "--quiet", "--device", "cuda", "--points", "100000", "--optimizer", "adam",
                                      "--dtype", "f32", "--epochs", "3"],
                                     environment: try Self.emulated(["GRADLAB_EMULATED_MEMORY": "1200000"]))
        #expect(result.status == 1)
        #expect(result.stderr.contains("bytes needed") && !result.stderr.contains("Fatal error"), "\(result.stderr)")
    }

    @Test func withoutCUDAAnExplicitRequestNamesWhatWasTried() throws {
        var environment = ProcessInfo.processInfo.environment
        environment["GRADLAB_CUDA_DRIVER"] = "/nonexistent/libcuda-test.so"
        let result = try Gradlab.run(["--headless", "--quiet", "--device", "cuda", "--epochs", "1"], environment: environment)
        #expect(result.status != 0)
        #expect(result.stderr.contains("/nonexistent/libcuda-test.so") && result.stderr.contains("libcuda.so.1"), "\(result.stderr)")
        // auto falls back, saying why in the run header.
        let auto = try Gradlab.run(["--headless", "--epochs", "1"], environment: environment)
        #expect(auto.status == 0 && auto.stdout.contains("cpu (no CUDA"), "\(auto.stdout)")
        let devices = try Gradlab.run(["devices"], environment: environment)
        #expect(devices.status == 0 && devices.stdout.contains("cuda: not usable") && devices.stdout.contains("/nonexistent/libcuda-test.so"))
    }

    @Test(.enabled(if: double != nil, "needs a C compiler (cc)"))
    func devicesListsTheEmulatedGPU() throws {
        let result = try Gradlab.run(["devices"], environment: try Self.emulated())
        #expect(result.status == 0)
        #expect(result.stdout.contains("cuda: usable") && result.stdout.contains("gradlab emulated GPU, sm_90"), "\(result.stdout)")
    }
}

/// `d` in the TUI moves the run to the (emulated) GPU and back, and the
/// status bar names the device.
@Suite("CUDA in the TUI", .enabled(if: TmuxSession.isAvailable && CUDATests.double != nil), .serialized)
struct CUDATerminalTests {
    @Test func dMovesTheRunToTheGPUAndBack() throws {
        let tmux = try TmuxSession(width: 140, height: 40)
        let environment = try CUDATests.emulated()
        let exports = ["GRADLAB_CUDA_DRIVER", "GRADLAB_NVRTC", "GRADLAB_EMULATION_HEADER"]
            .compactMap { key in environment[key].map { "\(key)='\($0)'" } }.joined(separator: " ")
        try tmux.enter("\(exports) \(Gradlab.binary) --device cpu --points 200; echo GRADLAB_EXIT=$?")
        try tmux.waitFor("PAUSED")
        for _ in 0..<2 { try tmux.send("Space") }
        try tmux.waitFor("epoch 2 ")
        try tmux.send("d")
        try tmux.waitFor("cuda: gradlab emulated GPU, sm_90", timeout: 60)
        for _ in 0..<2 { try tmux.send("Space") }
        try tmux.waitFor("epoch 4 ", timeout: 60)
        try tmux.send("d")
        try tmux.waitFor("back on the cpu") { screen in
            screen.split(separator: "\n").last { $0.contains("PAUSED") }.map { $0.contains("cpu") && !$0.contains("emulated") } ?? false
        }
        try tmux.send("q")
        try tmux.waitFor("GRADLAB_EXIT=0")
        try tmux.expectUsable()
    }
}

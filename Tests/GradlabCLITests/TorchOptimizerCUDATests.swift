import Foundation
import Testing
import GradlabTestSupport
@testable import GradlabCore
@testable import GradlabCUDA

/// NAdam, RAdam, Adamax, Adadelta and Rprop on the CUDA device without a
/// GPU, as `CUDATests` runs the older optimizers: NVRTC compiles each
/// generated kernel, and the emulated device matches the CPU device.
@Suite("CUDA without a GPU: NAdam, RAdam, Adamax, Adadelta, Rprop")
struct TorchOptimizerCUDATests {
    /// Each optimizer with the options that change the update's shape.
    static let optimizers: [[String]] = [
        ["--optimizer", "nadam", "--weight-decay", "0.01"],
        ["--optimizer", "nadam", "--decoupled-weight-decay", "--weight-decay", "0.01", "--maximize"],
        ["--optimizer", "radam", "--betas", "0.45,0.99", "--weight-decay", "0.01"],
        ["--optimizer", "radam", "--decoupled-weight-decay", "--weight-decay", "0.01"],
        ["--optimizer", "adamax", "--weight-decay", "0.01"],
        ["--optimizer", "adadelta", "--rho", "0.5", "--weight-decay", "0.01", "--maximize"],
        ["--optimizer", "rprop", "--etas", "0.4,1.3", "--step-sizes", "1e-4,1"],
    ]

    static let compileCases: [[String]] = {
        var cases: [[String]] = []
        for optimizer in optimizers { for dtype in ["f32", "f64"] { cases.append(CUDATests.labs[0] + optimizer + ["--dtype", dtype]) } }
        for lab in CUDATests.labs.dropFirst() {
            for optimizer in [optimizers[1], optimizers[3], optimizers[6]] { cases.append(lab + optimizer + ["--dtype", "f64"]) }
        }
        cases.append(["--points", "100", "--compare", "nadam,radam,adamax,adadelta,rprop"])
        return cases
    }()

    @Test(.enabled(if: CUDATests.nvrtc != nil, "needs NVRTC (pip install nvidia-cuda-nvrtc-cu12; .ci/run installs it)"),
          arguments: compileCases)
    func nvrtcCompilesEveryKernel(arguments: [String]) throws {
        let nvrtc = try #require(CUDATests.nvrtc)
        let sources = try CUDATests.sources(arguments)
        #expect(!sources.isEmpty)
        for source in sources {
            let compiled = try nvrtc.compile(source, name: "gradlab_sweep.cu", arch: 90)
            #expect(compiled.isCUBIN && !compiled.image.isEmpty)
            for line in compiled.log.split(separator: "\n") where line.contains("spill") {
                #expect(line.contains("0 bytes spill stores, 0 bytes spill loads"), "\(arguments): \(line)")
            }
        }
    }

    static let emulationCases: [[String]] = {
        // 8 epochs: RAdam's rectified form starts at step 6.
        var cases: [[String]] = []
        for optimizer in optimizers { cases.append(CUDATests.labs[0] + optimizer + ["--dtype", "f64", "--epochs", "8"]) }
        for optimizer in [optimizers[1], optimizers[3], optimizers[6]] { cases.append(CUDATests.labs[0] + optimizer + ["--dtype", "f32", "--epochs", "8"]) }
        for lab in CUDATests.labs.dropFirst() {
            for optimizer in [optimizers[3], optimizers[6]] { cases.append(lab + optimizer + ["--dtype", "f64", "--epochs", "8"]) }
        }
        cases.append(["--points", "500", "--compare", "nadam,radam,adamax,adadelta,rprop", "--epochs", "8", "--dtype", "f64"])
        return cases
    }()

    /// A headless run on `--device cuda` through the driver double matches
    /// `--device cpu`: Double within 1e-12 relative, Float within 1e-5.
    @Test(.enabled(if: CUDATests.double != nil, "needs a C compiler (cc) to build the driver double"), arguments: emulationCases)
    func emulatedRunsMatchTheCPU(arguments: [String]) throws {
        // The parameters moved: the comparison is of real updates.
        try CUDATests.expectEmulatedRunMatchesTheCPU(arguments, requiringMovement: true)
    }
}

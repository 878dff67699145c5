import Foundation
import Testing
import GradlabTestSupport
@testable import GradlabCore

/// What a `python3` run printed.
private struct PythonResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs `python3` with `arguments`; nil when it cannot be started.
private func python(_ arguments: [String]) -> PythonResult? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3"] + arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return nil }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return PythonResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errData, as: UTF8.self))
}

/// Whether `python3` has the safetensors library (CI installs it; a
/// developer machine may not, and then the cross-check is skipped).
private let pythonHasSafetensors = python(["-c", "import safetensors, numpy"])?.status == 0

/// What `check_safetensors.py` prints.
private struct PythonView: Decodable {
    struct Entry: Decodable {
        var dtype: String
        var shape: [Int]
        var values: [Double]
    }
    var tensors: [String: Entry]
    var metadata: [String: String]
    var torch: String
}

/// A few Adam steps on two parameters, so the optimizer has real state.
private func trainedAdam(steps: Int) -> (params: [Double], optimizer: HostOptimizer<Double>) {
    var config = OptimizerConfig(kind: .adam)
    config.lr = 0.1
    config.amsgrad = true
    let adam = makeOptimizer(config, scalar: Double.self)
    var params = [0.3, -0.7]
    for _ in 0..<steps { stepAdam(adam, &params) }
    return (params, adam)
}

private func stepAdam(_ adam: HostOptimizer<Double>, _ params: inout [Double]) {
    let grads = [2 * params[0] - 1, sin(params[1])]
    adam.step(parameters: &params, gradients: grads, count: 2)
}

@Suite("Checkpoints")
struct CheckpointTests {
    @Test func optimizerFileSitsBesideTheCheckpoint() {
        #expect(Checkpoint.optimizerPath(for: "runs/model.safetensors") == "runs/model.optim.safetensors")
        #expect(Checkpoint.optimizerPath(for: "model") == "model.optim.safetensors")
    }

    @Test func linearRoundTripResumesTrainingExactly() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("linear.safetensors").path
        var (params, adam) = trainedAdam(steps: 5)
        let scheduler = LearningRateScheduler(.exponential(gamma: 0.9), base: 0.1)
        try Checkpoint.save(params: [NamedValues("weight", [params[0]]), NamedValues("bias", [params[1]])],
                            dtype: .f64, lab: .linear, epoch: 5, optimizer: OptimizerCheckpoint(adam, scheduler: scheduler), path: path)

        let loaded = try Checkpoint.load(path: path)
        #expect(loaded.lab == .linear && loaded.epoch == 5 && loaded.dtype == .f64)
        #expect(loaded.params == [NamedValues("weight", [params[0]]), NamedValues("bias", [params[1]])])
        #expect(loaded.metadata["gradlab"] == Checkpoint.gradlabVersion && loaded.metadata["format"] == "pt")
        #expect(loaded.metadata["optimizer_state"] == "linear.optim.safetensors")
        let state = try #require(loaded.optimizer)
        #expect(state.config == adam.config && state.stepCount == 5 && state.scheduler == scheduler)
        #expect(state.buffers.map(\.name) == ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"])

        // A fresh optimizer restored from the file continues bit for bit.
        let resumed = makeOptimizer(state.config, scalar: Double.self)
        try resumed.restore(stepCount: state.stepCount, buffers: Dictionary(uniqueKeysWithValues: state.buffers.map { ($0.name, $0.values) }))
        var resumedParams = loaded.params.flatMap(\.values)
        for _ in 0..<5 {
            stepAdam(adam, &params)
            stepAdam(resumed, &resumedParams)
        }
        #expect(resumedParams == params)
    }

    @Test func optimizerBuffersAreSplitPerParameter() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("points.safetensors").path
        let state = OptimizerCheckpoint(config: OptimizerConfig(kind: .sgd), stepCount: 3,
                                        buffers: [NamedValues("momentum_buffer", [1, 2, 3, 4, 5, 6])])
        try Checkpoint.save(params: [NamedValues("x1", [0.5, 1.5, 2.5]), NamedValues("x2", [3, 4, 5])],
                            dtype: .f32, lab: .landscape, epoch: 3, optimizer: state, path: path)
        let companion = try SafeTensorsFile.read(path: Checkpoint.optimizerPath(for: path))
        #expect(companion.tensors["x1.momentum_buffer"] == Tensor([1, 2, 3], dtype: .f32))
        #expect(companion.tensors["x2.momentum_buffer"] == Tensor([4, 5, 6], dtype: .f32))
        #expect(companion.metadata["step"] == "3" && companion.metadata["epoch"] == "3")
        #expect(companion.metadata["optimizer"]?.hasPrefix("{\"alpha\":0.99,") == true)
        let loaded = try Checkpoint.load(path: path)
        #expect(loaded.dtype == .f32 && loaded.params[1] == NamedValues("x2", [3, 4, 5]))
        #expect(loaded.optimizer == state)
    }

    @Test func quadraticWithoutOptimizerHasNoCompanion() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("q.safetensors").path
        try Checkpoint.save(params: [NamedValues("a", [0.75]), NamedValues("b", [-14.25]), NamedValues("c", [69])],
                            dtype: .f32, lab: .quadratic, epoch: 20, path: path)
        let loaded = try Checkpoint.load(path: path)
        #expect(loaded.params.map(\.name) == ["a", "b", "c"] && loaded.params[1].values == [-14.25])
        #expect(loaded.optimizer == nil && loaded.metadata["optimizer_state"] == nil)
        #expect(loaded.metadata == ["format": "pt", "gradlab": Checkpoint.gradlabVersion, "lab": "quadratic", "epoch": "20", "dtype": "f32"])
        #expect(!FileManager.default.fileExists(atPath: Checkpoint.optimizerPath(for: path)))
    }

    @Test func loadsAStateDictSavedFromPyTorch() throws {
        // No gradlab metadata: the lab is told from the tensor names.
        let loaded = try Checkpoint.load(path: checkpointFixture("linear_torch.safetensors"))
        #expect(loaded.lab == .linear && loaded.epoch == 0 && loaded.dtype == .f32)
        #expect(loaded.params == [NamedValues("weight", [Double(Float(0.699))]), NamedValues("bias", [Double(Float(0.3093))])])
        let landscape = try Checkpoint.load(path: checkpointFixture("landscape_f64.safetensors"))
        #expect(landscape.lab == .landscape && landscape.epoch == 12 && landscape.dtype == .f64 && landscape.params[0].values.count == 3)
    }

    @Test func wrongContentsGetOneLineErrors() throws {
        let directory = try Fixtures.temporaryDirectory()
        func file(_ name: String, _ contents: SafeTensorsFile) throws -> String {
            let path = directory.appendingPathComponent(name).path
            try contents.write(path: path)
            return path
        }
        let missingBias = try file("a.safetensors", SafeTensorsFile(tensors: ["weight": Tensor([1], dtype: .f32)], metadata: ["lab": "linear"]))
        #expect(throws: GradlabError("\(missingBias): a linear checkpoint holds tensors weight, bias; this file has weight")) { try Checkpoint.load(path: missingBias) }
        let unknown = try file("b.safetensors", SafeTensorsFile(tensors: ["w": Tensor([1], dtype: .f32)]))
        #expect(throws: GradlabError("\(unknown): cannot tell the lab: tensors w are not weight+bias (linear), a+b+c (quadratic) or x1+x2 (landscape)")) { try Checkpoint.load(path: unknown) }
        let mixed = try file("c.safetensors", SafeTensorsFile(tensors: ["weight": Tensor([1], dtype: .f32), "bias": Tensor([1], dtype: .f64)]))
        #expect(throws: GradlabError("\(mixed): tensors mix F32 and F64; a checkpoint has one dtype")) { try Checkpoint.load(path: mixed) }
        let badLab = try file("d.safetensors", SafeTensorsFile(tensors: ["weight": Tensor([1], dtype: .f32)], metadata: ["lab": "cnn"]))
        #expect(throws: GradlabError("\(badLab): metadata lab 'cnn' is not one of landscape, quadratic, linear")) { try Checkpoint.load(path: badLab) }
        let long = try file("e.safetensors", SafeTensorsFile(tensors: ["weight": Tensor([1, 2], dtype: .f32), "bias": Tensor([1], dtype: .f32)]))
        #expect(throws: GradlabError("\(long): tensor 'weight' must hold one number, got 2")) { try Checkpoint.load(path: long) }
        let ragged = try file("f.safetensors", SafeTensorsFile(tensors: ["x1": Tensor([1, 2], dtype: .f64), "x2": Tensor([1], dtype: .f64)]))
        #expect(throws: GradlabError("\(ragged): x1 and x2 must hold the same number of points (at least 1), got 2 and 1")) { try Checkpoint.load(path: ragged) }
        let badEpoch = try file("g.safetensors", SafeTensorsFile(tensors: ["x1": Tensor([1], dtype: .f64), "x2": Tensor([1], dtype: .f64)], metadata: ["epoch": "ten"]))
        #expect(throws: GradlabError("\(badEpoch): metadata epoch 'ten' is not a whole number >= 0")) { try Checkpoint.load(path: badEpoch) }
    }

    @Test func staleOrMissingOptimizerStateIsRefused() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("m.safetensors").path
        let params = [NamedValues("weight", [1]), NamedValues("bias", [2])]
        let state = OptimizerCheckpoint(config: OptimizerConfig(kind: .sgd), stepCount: 1, buffers: [NamedValues("momentum_buffer", [0.1, 0.2])])
        try Checkpoint.save(params: params, dtype: .f64, lab: .linear, epoch: 1, optimizer: state, path: path)
        let companion = Checkpoint.optimizerPath(for: path)
        // The parameters saved again at epoch 2 while the state stayed at epoch 1.
        let epochOne = try SafeTensorsFile.read(path: companion)
        try Checkpoint.save(params: params, dtype: .f64, lab: .linear, epoch: 2, optimizer: state, path: path)
        try epochOne.write(path: companion)
        #expect(throws: GradlabError("\(companion): optimizer state is from epoch 1 but the checkpoint is from epoch 2; it is stale")) { try Checkpoint.load(path: path) }
        try FileManager.default.removeItem(atPath: companion)
        #expect(throws: GradlabError("\(companion): cannot open: No such file or directory")) { try Checkpoint.load(path: path) }
    }

    @Test func saveRefusesParametersOfAnotherLab() throws {
        #expect(throws: GradlabError("m.safetensors: a linear checkpoint saves weight, bias in that order, got bias, weight")) {
            try Checkpoint.save(params: [NamedValues("bias", [1]), NamedValues("weight", [2])], dtype: .f32, lab: .linear, epoch: 0, path: "m.safetensors")
        }
    }

    @Test func optimizerStateMustFitTheOptimizer() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("m.safetensors").path
        let params = [NamedValues("weight", [1]), NamedValues("bias", [2])]
        let short = OptimizerCheckpoint(config: OptimizerConfig(kind: .sgd), stepCount: 1, buffers: [NamedValues("momentum_buffer", [0.1])])
        #expect(throws: GradlabError("\(Checkpoint.optimizerPath(for: path)): optimizer buffer 'momentum_buffer' has 1 values for 2 parameters")) {
            try Checkpoint.save(params: params, dtype: .f64, lab: .linear, epoch: 1, optimizer: short, path: path)
        }
        let foreign = OptimizerCheckpoint(config: OptimizerConfig(kind: .sgd), stepCount: 1, buffers: [NamedValues("exp_avg", [0.1, 0.2])])
        try Checkpoint.save(params: params, dtype: .f64, lab: .linear, epoch: 1, optimizer: foreign, path: path)
        #expect(throws: GradlabError("\(Checkpoint.optimizerPath(for: path)): optimizer state: sgd has no buffer 'exp_avg' (has: momentum_buffer)")) {
            try Checkpoint.load(path: path)
        }
    }

    @Test(.enabled(if: pythonHasSafetensors, "needs python3 with safetensors and numpy (pip install safetensors numpy)"))
    func theSafetensorsLibraryReadsGradlabsFiles() throws {
        let directory = try Fixtures.temporaryDirectory()
        let script = Fixtures.directory.appendingPathComponent("checkpoints/check_safetensors.py").path
        let linear = directory.appendingPathComponent("linear.safetensors").path
        let (params, adam) = trainedAdam(steps: 3)
        try Checkpoint.save(params: [NamedValues("weight", [params[0]]), NamedValues("bias", [params[1]])],
                            dtype: .f32, lab: .linear, epoch: 3, optimizer: OptimizerCheckpoint(adam), path: linear)
        let landscape = directory.appendingPathComponent("points.safetensors").path
        let x1 = (0..<50).map { Double($0) * 0.1 + 1e-17 }, x2 = (0..<50).map { -Double($0) / 3 }
        try Checkpoint.save(params: [NamedValues("x1", x1), NamedValues("x2", x2)], dtype: .f64, lab: .landscape, epoch: 7, path: landscape)

        for path in [linear, Checkpoint.optimizerPath(for: linear), landscape] {
            let result = try #require(python([script, path]))
            #expect(result.status == 0, "check_safetensors.py \(path): \(result.stderr)")
            let view = try JSONDecoder().decode(PythonView.self, from: Data(result.stdout.utf8))
            let ours = try SafeTensorsFile.read(path: path)
            #expect(view.metadata == ours.metadata)
            #expect(Set(view.tensors.keys) == Set(ours.tensors.keys))
            for (name, tensor) in ours.tensors {
                #expect(view.tensors[name]?.values == tensor.values, "\(name) in \(path)")
                #expect(view.tensors[name]?.shape == tensor.shape)
                #expect(view.tensors[name]?.dtype == (tensor.dtype == .f32 ? "float32" : "float64"))
            }
            if path == linear, view.torch != "not installed" {
                #expect(view.torch.hasPrefix("Linear.load_state_dict strict"))
            }
        }
    }
}

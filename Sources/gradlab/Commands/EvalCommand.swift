import ArgumentParser
import GradlabCore

/// `gradlab eval --lab linear --load ckpt.safetensors [--data FILE.csv]`:
/// the tutorial's inference section — predictions on the test set without
/// gradients, and the test loss — from a saved checkpoint.
struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a saved checkpoint: predictions and loss (no training)."
    )

    @OptionGroup(title: "Lab") var evalOptions: EvalOptions

    @Option(help: ArgumentHelp("The checkpoint to evaluate (safetensors, as written by --save or by PyTorch).", valueName: "ckpt.safetensors"))
    var load: String

    func run() async throws {
        let checkpoint = try Checkpoint.load(path: load)
        var config = try evalOptions.labOptions().labConfig(optimizer: try OptimizerOptions.parse([]), epochs: nil)
        guard checkpoint.lab == config.lab else {
            throw GradlabError("\(load): the checkpoint is for the \(checkpoint.lab.rawValue) lab; pass --lab \(checkpoint.lab.rawValue)")
        }
        if config.lab == .landscape, config.starts == nil, let x1 = checkpoint.params.first?.values {
            config.points = x1.count
        }
        let session = try Session(config: config)
        try await session.restore(checkpoint)
        let record = await session.start()
        let dataset = await session.dataset
        let params = checkpoint.params.compactMap(\.values.first)
        print(checkpoint.params.map { "\($0.name) = \($0.values.count == 1 ? "\(Float($0.values[0]))" : "[\($0.values.count) values]")" }.joined(separator: ", ")
              + " (\(load), epoch \(checkpoint.epoch))")
        switch config.lab {
        case .linear, .quadratic:
            let evaluated = dataset.testInputs.isEmpty
                ? (dataset.trainInputs, dataset.trainTargets, "data")
                : (dataset.testInputs, dataset.testTargets, "test set")
            print("\(dataset.inputName.padding(10))\("prediction".padding(14))\(dataset.targetName)   (\(evaluated.2))")
            for (input, target) in zip(evaluated.0, evaluated.1) {
                let prediction = predict(input, params: params, lab: config.lab, dtype: config.dtype)
                print("\(fixed(input, 4).padding(10))\(fixed(prediction, 4).padding(14))\(fixed(target, 4))")
            }
            if config.lab == .linear {
                print("test loss (L1): \(fixed(record.testLoss ?? .nan, 6))")
            } else {
                print("loss (MSE): \(Float(record.loss))")
            }
        case .landscape:
            print("mean f over \(config.points) points: \(fixed(record.loss, 10))")
        }
    }

    /// The model's output in the lab's dtype, as `linear_model(X_test)` computes it.
    private func predict(_ x: Double, params: [Double], lab: LabKind, dtype: DType) -> Double {
        switch (lab, dtype) {
        case (.linear, .f32): return Double(Float(params[0]) * Float(x) + Float(params[1]))
        case (.linear, _): return params[0] * x + params[1]
        case (.quadratic, .f32):
            let t = Float(x)
            return Double(Float(params[0]) * (t * t) + Float(params[1]) * t + Float(params[2]))
        case (.quadratic, _): return params[0] * (x * x) + params[1] * x + params[2]
        case (.landscape, _): return .nan
        }
    }
}

extension String {
    /// Pads on the right to `width` characters.
    func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}

/// The lab options that mean something when evaluating a checkpoint (no
/// training: no points, domain, starts, seeds of initial values, optimizer,
/// schedule or comparison), so `eval --help` lists only these.
struct EvalOptions: ParsableArguments {
    @Option(help: "The lab the checkpoint is for: landscape, quadratic or linear.")
    var lab: LabKind = .landscape

    @Option(name: .customLong("f"), parsing: .unconditional, help: ArgumentHelp("Landscape: the f(x1,x2) to evaluate at the checkpoint's points (a named function or an expression).", valueName: "name|expr"))
    var function: String?

    @Option(help: ArgumentHelp("Quadratic: CSV with header t,v. Linear: CSV with header x,y and an optional split column (train/test).", valueName: "file.csv"))
    var data: String?

    @Option(name: .customLong("test-size"), help: "Linear: fraction of rows held out for testing.")
    var testSize: Double = 0.3

    @Option(name: .customLong("split-seed"), help: "Linear: scikit-learn train_test_split random_state.")
    var splitSeed: UInt32 = 42

    @Option(help: "f32 or f64 (default: f64 landscape, f32 quadratic and linear).")
    var dtype: DType?

    @Option(help: "auto, cpu or cuda.")
    var device: String = "auto"

    /// The same values as the run command's lab options (one way to build a config).
    func labOptions() throws -> LabOptions {
        var arguments = ["--lab", lab.rawValue, "--test-size", "\(testSize)", "--split-seed", "\(splitSeed)", "--device", device]
        if let function { arguments += ["--f", function] }
        if let data { arguments += ["--data", data] }
        if let dtype { arguments += ["--dtype", dtype.rawValue] }
        return try LabOptions.parse(arguments)
    }
}

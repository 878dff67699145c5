import ArgumentParser
import GradlabCore

/// `gradlab eval --lab linear --load ckpt.safetensors [--data FILE.csv]`:
/// the tutorial's inference section — predictions on the test set without
/// gradients, and the test loss — from a saved checkpoint.
struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a saved checkpoint: predictions and loss (no training).",
        usage: Usage.wrapped("gradlab eval [--lab <lab>] [--f <name|expr>] [--data <file.csv>] [--test-size <test-size>] [--split-seed <split-seed>] [--dtype <dtype>] [--device <device>] --load <ckpt.safetensors>")
    )

    /// What evaluating uses of a lab's options (no training: no points,
    /// domain, starts, seeds of initial values, optimizer, schedule or comparison).
    @OptionGroup(title: "Lab") var selection: LabSelection

    @Option(help: ArgumentHelp("The checkpoint to evaluate (safetensors, as written by --save or by PyTorch).", valueName: "ckpt.safetensors"))
    var load: String

    func run() async throws {
        try DistinctPaths.checkGiven([("--load", load)])
        let checkpoint: LoadedCheckpoint
        do { checkpoint = try Checkpoint.load(path: load) } catch { throw error.naming(flag: "--load", path: load) }
        var config = try selection.config()
        config.optimizer = try OptimizerOptions.parse([]).config(labDefaultLR: config.optimizer.lr)
        try config.validate()
        guard checkpoint.lab == config.lab else {
            throw GradlabError("\(load): the checkpoint is for the \(checkpoint.lab.rawValue) lab; pass --lab \(checkpoint.lab.rawValue)")
        }
        config.adopt(checkpoint, pointsGiven: false, functionGiven: selection.function != nil, domainGiven: false)
        // The checkpoint's precision unless --dtype asks for another.
        if selection.dtype == nil { config.dtype = checkpoint.dtype }
        let session = try Session(config: config)
        try await session.restore(checkpoint)
        let record = await session.start()
        let dataset = await session.dataset
        let params = checkpoint.params.compactMap(\.values.first)
        // Each value as its dtype's shortest text, as the headless summary prints it (an f64 one was cut to Float's).
        print(checkpoint.params.map { "\($0.name) = \($0.values.count == 1 ? shortest($0.values[0], checkpoint.dtype) : "[\($0.values.count) values]")" }.joined(separator: ", ")
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
                print("loss (MSE): \(shortest(record.loss, checkpoint.dtype))")
            }
        case .landscape:
            print("mean f over \(config.points) point\(config.points == 1 ? "" : "s"): \(fixed(record.loss, 10))")
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


import Foundation

/// `--compare sgd,momentum,adam:lr=0.05:amsgrad`: optimizers run side by side.
///
/// Items are separated by commas; each is a preset name followed by options
/// after colons, named as on the command line without dashes (`lr=0.05`,
/// `momentum=0.9`, `betas=0.8/0.99`, `etas=0.5/1.2`, `amsgrad`). Names: every
/// optimizer (`sgd`, `adam`, `adamw`, `rmsprop`, `adagrad`, `nadam`, `radam`,
/// `adamax`, `adadelta`, `rprop`, `newton`) and the presets `momentum` (SGD, momentum
/// 0.9) and `nesterov` (SGD, momentum 0.9, Nesterov). Every item starts from
/// the run's `--lr`.
public enum CompareList {
    public static func parse(_ text: String, base: OptimizerConfig) throws(GradlabError) -> [OptimizerConfig] {
        var configs: [OptimizerConfig] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = item.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            let name = (parts.first ?? "").trimmingCharacters(in: .whitespaces).lowercased()
            guard !name.isEmpty else {
                throw GradlabError("--compare: an empty item in '\(text)' (items are optimizer names separated by commas, like sgd,momentum,adam)")
            }
            var config: OptimizerConfig
            switch name {
            case "momentum", "nesterov":
                config = OptimizerConfig(kind: .sgd)
                config.momentum = 0.9
                config.nesterov = name == "nesterov"
            default:
                guard let kind = OptimizerKind(rawValue: name) else {
                    let known = ["momentum", "nesterov"] + OptimizerKind.allCases.map(\.rawValue)
                    throw GradlabError("--compare: unknown optimizer '\(name)' (known: \(known.joined(separator: ", ")); docs/optimizers.md, \"Comparing optimizers\")")
                }
                config = OptimizerConfig(kind: kind)
            }
            config.lr = base.lr
            for option in parts.dropFirst() {
                try apply(option, to: &config, item: String(item))
            }
            try config.validate()
            configs.append(config)
        }
        guard configs.count >= 1, configs.count <= 8 else {
            throw GradlabError("--compare takes 1 to 8 optimizers, got \(configs.count)")
        }
        return configs
    }

    private static func apply(_ option: String, to config: inout OptimizerConfig, item: String) throws(GradlabError) {
        let pieces = option.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let first = pieces.first, !first.isEmpty else {
            throw GradlabError("--compare: an empty option in '\(item)' (options follow the name after colons, like adam:lr=0.05:amsgrad)")
        }
        let key = first.lowercased().replacingOccurrences(of: "-", with: "_")
        func number() throws(GradlabError) -> Double {
            guard pieces.count == 2, !pieces[1].isEmpty, let value = Double(pieces[1]), value.isFinite else {
                throw GradlabError("--compare: '\(option)' in '\(item)' needs a number, like \(key)=0.1")
            }
            return value
        }
        /// Two numbers separated by a slash (the comma separates items).
        func pair(example: String) throws(GradlabError) -> (Double, Double) {
            let values = pieces.count == 2 ? pieces[1].split(separator: "/", omittingEmptySubsequences: false).map { Double($0) } : []
            guard values.count == 2, let first = values[0], let second = values[1] else {
                throw GradlabError("--compare: \(key) in '\(item)' must be like \(key)=\(example)")
            }
            return (first, second)
        }
        switch key {
        case "lr": config.lr = try number()
        case "momentum": config.momentum = try number()
        case "dampening": config.dampening = try number()
        case "weight_decay": config.weightDecay = try number()
        case "eps": config.eps = try number()
        case "alpha": config.alpha = try number()
        case "lr_decay": config.lrDecay = try number()
        case "initial_accumulator_value": config.initialAccumulatorValue = try number()
        case "momentum_decay": config.momentumDecay = try number()
        case "rho": config.rho = try number()
        case "damping": config.damping = try number()
        case "decoupled_weight_decay": config.decoupledWeightDecay = true
        case "nesterov": config.nesterov = true
        case "amsgrad": config.amsgrad = true
        case "centered": config.centered = true
        case "maximize": config.maximize = true
        case "betas": (config.beta1, config.beta2) = try pair(example: "0.9/0.999")
        case "etas": (config.etaMinus, config.etaPlus) = try pair(example: "0.5/1.2")
        case "step_sizes": (config.stepSizeMin, config.stepSizeMax) = try pair(example: "1e-6/50")
        default:
            throw GradlabError("--compare: unknown option '\(key)' in '\(item)' (lr, momentum, dampening, nesterov, weight_decay, betas, eps, amsgrad, alpha, centered, lr_decay, initial_accumulator_value, momentum_decay, decoupled_weight_decay, rho, etas, step_sizes, damping, maximize)")
        }
    }
}

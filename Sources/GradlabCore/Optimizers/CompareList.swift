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
            if (parts.first ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
                throw GradlabError("--compare: an empty item in '\(text)' (items are optimizer names separated by commas, like sgd,momentum,adam)")
            }
            configs.append(try optimizer(parts, base: base, spelling: .compareItem))
        }
        guard configs.count >= 1, configs.count <= 8 else {
            throw GradlabError("--compare takes 1 to 8 optimizers, got \(configs.count)")
        }
        return configs
    }

    /// One optimizer from its name and options (`["adam", "lr=0.05",
    /// "amsgrad"]`), starting from `base`'s lr: a `--compare` item's parts
    /// (pairs as `betas=0.9/0.999`), or the `:optimizer` command's words
    /// (`spelling` `.prompt`: pairs as `betas=0.9,0.999`). Messages name the
    /// options as `spelling` writes them.
    public static func optimizer(_ parts: [String], base: OptimizerConfig, spelling: OptionSpelling) throws(GradlabError) -> OptimizerConfig {
        let item = parts.joined(separator: spelling == .prompt ? " " : ":")
        let prefix = spelling == .compareItem ? "--compare: " : ""
        let name = (parts.first ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        guard var config = OptimizerConfig(named: name) else {
            let known = OptimizerConfig.presetNames + OptimizerKind.allCases.map(\.rawValue)
            throw GradlabError("\(prefix)unknown optimizer '\(name)' (known: \(known.joined(separator: ", ")); docs/optimizers.md)")
        }
        config.lr = base.lr
        var given: [String] = []
        for option in parts.dropFirst() {
            given.append(try apply(option, to: &config, item: item, spelling: spelling))
        }
        do {
            try config.checkTakes(given, spelling: spelling)
            try config.validate(spelling: spelling)
        } catch {
            throw GradlabError(prefix + error.message)
        }
        return config
    }

    /// Applies one `key=value` option; returns its key (snake_case).
    private static func apply(_ option: String, to config: inout OptimizerConfig, item: String,
                              spelling: OptionSpelling) throws(GradlabError) -> String {
        let pieces = option.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let (prefix, place) = spelling == .compareItem ? ("--compare: ", " in '\(item)'") : ("", "")
        guard let first = pieces.first, !first.isEmpty else {
            throw GradlabError("\(prefix)an empty option\(place) (options follow the name, like adam\(spelling == .prompt ? " " : ":")lr=0.05)")
        }
        let key = first.lowercased().replacingOccurrences(of: "-", with: "_")
        func number() throws(GradlabError) -> Double {
            guard pieces.count == 2, !pieces[1].isEmpty, let value = Double(pieces[1]), value.isFinite else {
                throw GradlabError("\(prefix)'\(option)'\(place) needs a number, like \(key)=0.1")
            }
            return value
        }
        /// Two numbers, separated by a slash in a `--compare` item (the comma
        /// separates items there) and by a comma at the prompt.
        func pair(_ first: String, _ second: String) throws(GradlabError) -> (Double, Double) {
            let separator: Character = spelling == .compareItem ? "/" : ","
            let values = pieces.count == 2 ? pieces[1].split(separator: separator, omittingEmptySubsequences: false).map { Double($0) } : []
            guard values.count == 2, let a = values[0], let b = values[1] else {
                throw GradlabError("\(prefix)\(key) must be two numbers like \(spelling.pair(key, first, second)), got '\(option)'\(place)")
            }
            return (a, b)
        }
        /// A flag: on when named alone or `=true` (`yes`, `on`, `1`), off with
        /// `=false` (`no`, `off`, `0`).
        func flag() throws(GradlabError) -> Bool {
            guard pieces.count == 2 else { return true }
            switch pieces[1].lowercased() {
            case "true", "yes", "on", "1": return true
            case "false", "no", "off", "0": return false
            default: throw GradlabError("\(prefix)'\(option)'\(place): \(key) is a flag: write \(key) alone, or \(key)=true or \(key)=false")
            }
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
        case "decoupled_weight_decay": config.decoupledWeightDecay = try flag()
        case "nesterov": config.nesterov = try flag()
        case "amsgrad": config.amsgrad = try flag()
        case "centered": config.centered = try flag()
        case "maximize": config.maximize = try flag()
        case "betas": (config.beta1, config.beta2) = try pair("0.9", "0.999")
        case "etas": (config.etaMinus, config.etaPlus) = try pair("0.5", "1.2")
        case "step_sizes": (config.stepSizeMin, config.stepSizeMax) = try pair("1e-6", "50")
        default:
            throw GradlabError("\(prefix)unknown option '\(key)'\(place) (lr, momentum, dampening, nesterov, weight_decay, betas, eps, amsgrad, alpha, centered, lr_decay, initial_accumulator_value, momentum_decay, decoupled_weight_decay, rho, etas, step_sizes, damping, maximize)")
        }
        return key
    }
}

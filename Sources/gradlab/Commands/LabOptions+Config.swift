import Foundation
import GradlabCore

extension LabSelection {
    /// The lab's tutorial defaults, then the lab, dtype, device, function,
    /// data and split given. Throws one-line errors naming the flag or the
    /// file, line and column.
    func config() throws(GradlabError) -> LabConfig {
        try DistinctPaths.checkGiven([("--data", data)])
        var config = LabConfig(lab: lab)
        if let dtype { config.dtype = dtype }
        config.device = device
        if let function {
            guard lab == .landscape else { throw GradlabError("--f applies to the landscape lab only (this is --lab \(lab.rawValue))") }
            if let named = TestFunction.named(function) {
                config.function = named.expression
                config.functionName = named.name
                config.domain = named.domain
            } else {
                // A bare name that is not a function's is most likely a typo of one.
                let bare = function.trimmingCharacters(in: .whitespaces)
                if !bare.isEmpty, bare.allSatisfy({ $0.isLetter || $0.isNumber || "-_".contains($0) }), bare.first?.isLetter == true,
                   !["x1", "x2"].contains(bare), let suggestion = TestFunction.closest(to: bare) {
                    throw GradlabError("--f: unknown function '\(bare)'; did you mean '\(suggestion)'? ('gradlab functions' lists them)")
                }
                config.function = function
            }
        }
        if let data {
            guard lab != .landscape else { throw GradlabError("--data applies to the quadratic and linear labs (the landscape takes --starts)") }
            let table: CSVTable
            do {
                table = try CSVTable.load(path: data, required: config.dataColumns, textColumns: ["split"],
                                          labelValues: ["split": ["train", "test"]])
            } catch { throw error.naming(flag: "--data", path: data) }
            config.data = table.columns
            if let labels = table.labels["split"] { config.splitLabels = labels }
            config.dataSource = data
        }
        config.testSize = testSize
        config.splitSeed = splitSeed
        return config
    }
}

extension LabOptions {
    /// The full lab configuration: the selection (``LabSelection/config()``),
    /// then the optimizer and every other option given, then files loaded.
    /// Throws one-line errors naming the flag or the file, line and column.
    func labConfig(optimizer: OptimizerOptions, epochs: Int?) throws(GradlabError) -> LabConfig {
        var config = try selection.config()
        let lab = selection.lab
        if compare != nil, let flag = optimizer.given.first {
            throw GradlabError("\(OptionSpelling.flags.name(flag)) applies to --optimizer, not to --compare's items: give them their options, like adam:betas=0.8/0.99")
        }
        config.optimizer = try optimizer.config(labDefaultLR: config.optimizer.lr)
        if let epochs { config.epochs = epochs }
        config.seed = seed
        // The data labs have no points or plane domain: say so rather than ignore them.
        for (flag, given) in [("--points", points != nil), ("--track", track != nil), ("--domain", domain != nil)] where given && lab != .landscape {
            throw GradlabError("\(flag) applies to the landscape lab only (the \(lab.rawValue) lab fits its data)")
        }
        if let points { config.points = points }
        if let track { config.trackedPoints = track }
        if let domain { config.domain = try Self.numbers(domain, count: 4, flag: "--domain") }
        if let schedule { config.schedule = try LearningRateSchedule.parse(schedule) }
        if let compare {
            config.compare = try CompareList.parse(compare, base: config.optimizer)
            config.optimizer = config.compare?.first ?? config.optimizer
        }
        if let starts {
            guard lab == .landscape else { throw GradlabError("--starts applies to the landscape lab only") }
            let table: CSVTable
            do { table = try CSVTable.load(path: starts, required: ["x1", "x2"]) } catch { throw error.naming(flag: "--starts", path: starts) }
            let x1 = table.columns["x1"] ?? [], x2 = table.columns["x2"] ?? []
            config.starts = zip(x1, x2).map { [$0, $1] }
            config.points = table.rowCount
            config.dataSource = starts
        }
        if let initial {
            config.initial = try Self.assignments(initial, allowed: config.parameterNames, flag: "--init", dtype: config.dtype)
            if lab == .landscape { throw GradlabError("--init applies to the quadratic and linear labs (the landscape takes --starts)") }
        }
        try config.validate()
        return config
    }

    /// `1,2,3,4` -> numbers, exactly `count` of them.
    static func numbers(_ text: String, count: Int, flag: String) throws(GradlabError) -> [Double] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == count else {
            throw GradlabError("\(flag) needs \(count) comma-separated numbers, got \(parts.count) in '\(text)'")
        }
        var values: [Double] = []
        for part in parts {
            guard let value = Double(part), value.isFinite else {
                throw GradlabError("\(flag): '\(part)' is not a finite number (in '\(text)')")
            }
            values.append(value)
        }
        return values
    }

    /// `a=1,b=2` -> [a: 1, b: 2], names checked against `allowed`; a name
    /// given twice is refused (the last one silently won).
    /// - Parameter dtype: values must fit it (f32's 1e39 is infinite, and the run "diverged" at once).
    static func assignments(_ text: String, allowed: [String], flag: String, dtype: DType = .f64) throws(GradlabError) -> [String: Double] {
        var result: [String: Double] = [:]
        for part in text.split(separator: ",") {
            let pieces = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pieces.count == 2 else {
                throw GradlabError("\(flag): expected name=value, got '\(part)' (names: \(allowed.joined(separator: ", ")))")
            }
            guard allowed.contains(pieces[0]) else {
                throw GradlabError("\(flag): unknown parameter '\(pieces[0])' (names: \(allowed.joined(separator: ", ")))")
            }
            guard let value = Double(pieces[1]), value.isFinite else {
                throw GradlabError("\(flag): '\(pieces[1])' is not a finite number (for \(pieces[0]))")
            }
            guard dtype == .f64 || Float(value).isFinite else {
                throw GradlabError("\(flag): \(pieces[0])=\(pieces[1]) is beyond f32's range (±\(Float.greatestFiniteMagnitude)); use --dtype f64")
            }
            guard result[pieces[0]] == nil else { throw GradlabError("\(flag): \(pieces[0]) is given twice (in '\(text)')") }
            result[pieces[0]] = value
        }
        return result
    }
}

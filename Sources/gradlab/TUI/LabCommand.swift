import Foundation
import GradlabCore
import GradlabMath
import GradlabUI

/// A `:` command, parsed: what the command line asks of the run or the view.
enum LabCommand: Equatable, Sendable {
    /// `f EXPR|NAME`: a new landscape function, keeping the points.
    case function(expression: String, name: String?, domain: [Double])
    case learningRate(Double)
    case optimizer(OptimizerConfig)
    /// `points N`: restart with N points (from the same seed).
    case points(Int)
    /// `domain a,b,c,d`: restart with start points drawn from this box.
    case domain([Double])
    /// `seed N`: reset with this seed.
    case seed(UInt32)
    case epochsPerFrame(Int)
    case save(String)
    case record(String)
    case recordStop
    case theme(String)
    case device(String)
    case help
}

/// Why a command line did not parse: the message, and the 0-based column
/// (in Characters of the line) the caret goes under.
struct CommandLineError: Error, Equatable {
    var message: String
    var column: Int
}

extension LabCommand {
    /// One command's name, form and help line: the table that parses,
    /// completes and documents them (the help's second page lists it).
    struct Spec: Sendable {
        var name: String
        var form: String
        var help: String
    }

    static let specs: [Spec] = [
        Spec(name: "f", form: ":f EXPR|NAME", help: "new landscape f, keeping the points"),
        Spec(name: "lr", form: ":lr X", help: "learning rate (every group's)"),
        Spec(name: "optimizer", form: ":optimizer NAME k=v", help: "optimizer and options, torch names"),
        Spec(name: "points", form: ":points N", help: "restart with N points, same seed"),
        Spec(name: "domain", form: ":domain a,b,c,d", help: "restart, starts in x1 a..b, x2 c..d"),
        Spec(name: "seed", form: ":seed N", help: "reset with seed N"),
        Spec(name: "epochs-per-frame", form: ":epochs-per-frame N", help: "epochs each frame runs"),
        Spec(name: "save", form: ":save PATH", help: "save a checkpoint"),
        Spec(name: "record", form: ":record PATH|stop", help: "record from a restart (x); stop ends it"),
        Spec(name: "theme", form: ":theme NAME", help: "dark, light, high-contrast, a file"),
        Spec(name: "device", form: ":device NAME", help: "cpu, cuda or auto"),
        Spec(name: "help", form: ":help", help: "this page"),
    ]

    /// The help lines for the `:` commands.
    static let helpLines: [KeyBinding] = specs.map { KeyBinding(gesture: $0.form, .commandLine, $0.help, group: .commands) }

    /// Names `Tab` completes: commands first, then (after `f `) functions,
    /// (after `optimizer `) optimizers, (after `device `) devices, (after
    /// `theme `) themes.
    static func completions(for line: String, cursor: Int, themes: [String]) -> (start: Int, candidates: [String]) {
        let characters = Array(line)
        let upTo = Array(characters[0..<min(cursor, characters.count)])
        // The word being typed: back to the last space.
        var start = upTo.count
        while start > 0, upTo[start - 1] != " " { start -= 1 }
        let prefix = String(upTo[start...])
        let words = String(upTo[0..<start]).split(separator: " ").map(String.init)
        let pool: [String]
        switch words.first {
        case nil: pool = specs.map(\.name)
        case "f"?: pool = words.count == 1 ? TestFunction.catalogue.map(\.name) : []
        case "optimizer"?: pool = words.count == 1 ? OptimizerConfig.presetNames + OptimizerKind.allCases.map(\.rawValue) : []
        case "device"?: pool = words.count == 1 ? ["auto"] + Devices.cycle : []
        case "theme"?: pool = words.count == 1 ? themes : []
        case "record"?: pool = words.count == 1 ? ["stop"] : []
        default: pool = []
        }
        return (start, pool.filter { $0.hasPrefix(prefix) })
    }

    /// Parses one command line (without the `:`). Nothing is applied here:
    /// a line that does not parse changes nothing.
    /// - Parameter config: the run's configuration now (the lab, the
    ///   optimizer that `:optimizer` options start from).
    static func parse(_ line: String, config: LabConfig) throws(CommandLineError) -> LabCommand {
        let characters = Array(line)
        var index = 0
        while index < characters.count, characters[index] == " " { index += 1 }
        let nameStart = index
        while index < characters.count, characters[index] != " " { index += 1 }
        let name = String(characters[nameStart..<index])
        while index < characters.count, characters[index] == " " { index += 1 }
        let argumentStart = index
        var argument = String(characters[argumentStart...])
        while argument.last == " " { argument.removeLast() }
        func fail(_ message: String, at column: Int? = nil) -> CommandLineError {
            CommandLineError(message: message, column: column ?? argumentStart)
        }
        func needArgument(_ what: String) throws(CommandLineError) {
            if argument.isEmpty { throw fail(":\(name) needs \(what)") }
        }
        guard !name.isEmpty else { throw fail("type a command (Tab lists them, :help shows them)", at: 0) }
        guard let spec = specs.first(where: { $0.name == name }) else {
            // Commands it starts, or a few typos away from (not every one sharing a letter).
            let near = specs.map(\.name).filter {
                $0.hasPrefix(name) || TestFunction.editDistance(Array(name), Array($0)) <= max(1, min(3, name.count / 3))
            }
            throw fail("unknown command '\(name)'" + (near.isEmpty ? "" : " (did you mean \(near.joined(separator: ", "))?)")
                       + "; Tab completes", at: nameStart)
        }
        switch spec.name {
        case "f":
            try needArgument("a function name or an expression in x1 and x2")
            guard config.lab == .landscape else { throw fail(":f: only the landscape has a function (this is the \(config.lab.rawValue) lab)", at: nameStart) }
            if let named = TestFunction.named(argument) {
                return .function(expression: named.expression, name: named.name, domain: named.domain)
            }
            // A bare name that is not a function's is most likely a typo of one.
            let bare = argument.allSatisfy { $0.isLetter || $0.isNumber || "-_".contains($0) }
            if bare, argument.first?.isLetter == true, !["x1", "x2"].contains(argument), let near = TestFunction.closest(to: argument) {
                throw fail("unknown function '\(argument)'; did you mean '\(near)'?")
            }
            do {
                _ = try Expression.parse(argument, variables: ["x1", "x2"])
            } catch {
                throw fail(error.message, at: argumentStart + max(0, error.column - 1))
            }
            return .function(expression: argument, name: nil, domain: config.domain)
        case "lr":
            try needArgument("a learning rate, like :lr 0.01")
            if let space = argument.firstIndex(of: " ") {
                let extra = argument[space...].drop { $0 == " " }
                throw fail(":lr takes one number; remove '\(extra)'", at: argumentStart + argument.distance(from: argument.startIndex, to: extra.startIndex))
            }
            guard let lr = Double(argument) else { throw fail("'\(argument)' is not a number") }
            guard lr.isFinite, lr > 0 else { throw fail("the learning rate must be finite and positive, not \(argument)") }
            return .learningRate(lr)
        case "optimizer":
            try needArgument("a name: sgd, momentum, adam, ... and options k=v")
            let parts = argument.split(separator: " ").map(String.init)
            do {
                return .optimizer(try CompareList.optimizer(parts, base: config.optimizer, spelling: .prompt))
            } catch {
                // The caret goes under the word the message names, if it names one.
                var column = argumentStart, offset = argumentStart
                for part in parts {
                    let key = String(part.split(separator: "=").first ?? "")
                    if error.message.contains("'\(part)'") || error.message.contains("'\(key)'") { column = offset; break }
                    offset += part.count + 1
                }
                throw fail(error.message, at: column)
            }
        case "points":
            try needArgument("a count, like :points 200")
            guard config.lab == .landscape else { throw fail(":points: only the landscape has points", at: nameStart) }
            guard let n = Self.count(argument), n >= 1 else {
                throw fail("'\(argument)' is not a whole number of points (at least 1; 200, 100_000 and 1e6 are)")
            }
            return .points(n)
        case "domain":
            try needArgument("4 numbers: x1 min, x1 max, x2 min, x2 max")
            guard config.lab == .landscape else { throw fail(":domain: only the landscape has a domain", at: nameStart) }
            let pieces = argument.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard pieces.count == 4 else { throw fail("need 4 comma-separated numbers, got \(pieces.count)") }
            var values: [Double] = [], offset = argumentStart
            for piece in pieces {
                let trimmed = piece.trimmingCharacters(in: .whitespaces)
                guard let value = Double(trimmed), value.isFinite else { throw fail("'\(trimmed)' is not a finite number", at: offset) }
                values.append(value)
                offset += piece.count + 1
            }
            guard values[0] < values[1], values[2] < values[3] else { throw fail("each min must be below its max") }
            guard LabConfig.isDomain(values) else { throw fail("each width, max - min, must be a finite number") }
            return .domain(values)
        case "seed":
            try needArgument("a seed, like :seed 7")
            guard let seed = UInt32(argument) else { throw fail("'\(argument)' is not a seed (0 to 4294967295)") }
            return .seed(seed)
        case "epochs-per-frame":
            try needArgument("a count, like :epochs-per-frame 10")
            guard let n = Int(argument), n >= 1, n <= 1_000_000 else { throw fail("'\(argument)' is not a count from 1 to 1000000") }
            return .epochsPerFrame(n)
        case "save":
            try needArgument("a path, like :save run.safetensors")
            return .save(argument)
        case "record":
            try needArgument("a path, or stop")
            return argument == "stop" ? .recordStop : .record(argument)
        case "theme":
            try needArgument("a theme: dark, light, high-contrast, or a .theme file")
            return .theme(argument)
        case "device":
            try needArgument("a device: cpu, cuda or auto")
            guard ["auto"] + Devices.cycle ~= argument else { throw fail("unknown device '\(argument)' (cpu, cuda, auto)") }
            return .device(argument)
        default:
            return .help
        }
    }
}

extension LabCommand {
    /// A whole count as a person types one: `200`, `100_000_000`, or a
    /// whole number in scientific notation (`1e8`, `2.5e6`); nil for
    /// anything else, or past what an Int holds.
    static func count(_ text: String) -> Int? {
        let plain = text.replacing("_", with: "")
        if let whole = Int(plain) { return whole }
        // Digits, one exponent: not hex, inf or nan, which Double also reads.
        guard plain.contains(where: { $0 == "e" || $0 == "E" }),
              plain.allSatisfy({ $0.isASCII && ($0.isNumber || "eE.+-".contains($0)) }) else { return nil }
        return WholeNumber.written(plain, as: Int.self)
    }
}

private func ~= (list: [String], value: String) -> Bool { list.contains(value) }

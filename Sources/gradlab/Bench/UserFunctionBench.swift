import Foundation

/// Functions a user might type, together covering every function and
/// operator of the expression language, each timed on the landscape beside
/// the tutorial's function (`gradlab bench`'s `*_user_<name>_<dtype>` rows;
/// the target is at least 0.8 of the tutorial function's point-steps/s).
enum UserFunctionBench {
    /// (row name, expression). Each is of about the tutorial function's
    /// size; the first is the one `*_user_<dtype>` has always measured.
    static let functions: [(name: String, function: String)] = [
        ("poly_exp", "x1^2 + 3*sin(x2)*x1 - exp(-x2^2)"),            // integer ^, sin, exp, + - *
        ("pow", "abs(x1)^1.3 + x2^3 - x1/(1 + x2^2)"),                // real ^, abs, /
        ("pow_half", "abs(x1)^1.5 + x2^3 - x1/(1 + x2^2)"),           // half-integer ^ (|x| sqrt|x|)
        ("log_tanh", "log(1 + x1^2) + tanh(x2)*x1 - cos(x1)"),        // log, tanh, cos
        ("sigmoid_relu", "sigmoid(x1 - x2) + relu(x1 - 5)*x2 - x2"),  // sigmoid, relu, unary -
        ("min_max", "max(x1, x2) - min(x1, 2*x2) + abs(x1 - x2)^2"),  // min, max, abs
        ("sqrt_tan", "sqrt(x1^2 + x2^2 + 1) + tan(0.1*x2)*x1"),       // sqrt, tan
    ]
}

/// The machine a bench ran on, as `/proc/cpuinfo` names it.
enum MachineDescription {
    /// "AMD EPYC, family 25, model 1" (model name, family and model of the
    /// first processor), or "unknown" where `/proc/cpuinfo` is not readable.
    static var cpu: String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown" }
        var name: String?, family: String?, model: String?
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else {
                if name != nil { break }  // the end of the first processor's block
                continue
            }
            let key = parts[0].trimmingCharacters(in: .whitespaces)
            let value = parts[1].trimmingCharacters(in: .whitespaces)
            switch key {
            case "model name" where name == nil: name = value
            case "cpu family" where family == nil: family = value
            case "model" where model == nil: model = value
            default: break
            }
        }
        guard let name else { return "unknown" }
        return [name, family.map { "family \($0)" }, model.map { "model \($0)" }].compactMap { $0 }.joined(separator: ", ")
    }

    /// The CPU flags that pick a kernel set, as the kernel reports them.
    static var vectorFlags: [String] {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return [] }
        let flags = Set(line.split(separator: " ").map(String.init))
        return ["avx2", "fma", "avx512f", "avx512vl", "avx512bw", "avx512dq"].filter { flags.contains($0) }
    }
}

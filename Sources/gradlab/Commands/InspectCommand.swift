import ArgumentParser
import Foundation
import GradlabCore
import GradlabUI

/// `gradlab inspect --f NAME|EXPR --at X1,X2 [--json]`, or `--lab quadratic
/// [--init a=..]`: f, its gradient and Hessian at one point, the Hessian's
/// eigen-decomposition, the condition number and the critical learning rate
/// 2/λmax above which plain gradient descent diverges there.
struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Curvature at a point: value, gradient, Hessian, eigenvalues, condition number and the critical lr 2/λmax.",
        usage: Usage.wrapped("gradlab inspect [--lab <lab>] [--f <name|expr>] [--data <file.csv>] [--test-size <test-size>] [--split-seed <split-seed>] [--dtype <dtype>] [--device <device>] [--at <x1,x2>] [--init <name=value,...>] [--seed <seed>] [--json]"),
        discussion: """
        On a quadratic, gradient descent with rate lr multiplies the error along
        each eigenvector of the Hessian by 1 - lr*λ per step, so it diverges
        exactly when lr > 2/λmax (docs/curvature.md).
        """
    )

    @OptionGroup(title: "Lab") var selection: LabSelection

    @Option(parsing: .unconditional, help: ArgumentHelp("Landscape: the point, x1,x2.", valueName: "x1,x2"))
    var at: String?

    @Option(name: .customLong("init"), help: ArgumentHelp("Data labs: the parameters, e.g. a=0.5,b=0,c=1 (others drawn from --seed as training starts).", valueName: "name=value,..."))
    var initial: String?

    @Option(parsing: .unconditional, help: "Data labs: seed of the default data and initial parameters. (default: 0)", transform: WholeNumber.seed)
    var seed: UInt32 = 0

    @Flag(help: "One JSON object: value, gradient, hessian (rows), eigenvalues (ascending), eigenvectors, criticalLR (null when none), conditionNumber.")
    var json = false

    func run() async throws {
        var config = try selection.config()
        config.seed = seed
        config.device = "cpu"
        let curvature: Curvature
        let place: String
        switch config.lab {
        case .landscape:
            guard let at else { throw GradlabError("--at x1,x2 is required for the landscape (the point to inspect)") }
            guard initial == nil else { throw GradlabError("--init applies to the data labs; the landscape takes --at") }
            let point = try LabOptions.numbers(at, count: 2, flag: "--at")
            curvature = try Curvature.landscape(function: config.function, at: point)
            place = "f = \(config.functionName ?? config.function) at (x1, x2) = (\(point.map(NumberText.long).joined(separator: ", ")))"
            // Outside where f is defined (log of a negative, ...) its
            // derivatives' formulas can still give numbers: they mean nothing.
            guard curvature.value.isFinite else {
                throw GradlabError("--at \(at): f is \(NumberText.long(curvature.value)) there (outside where it is defined?); "
                                   + "its gradient and Hessian would mean nothing")
            }
        case .quadratic, .linear:
            guard at == nil else { throw GradlabError("--at applies to the landscape; a data lab takes --init \(config.parameterNames.map { "\($0)=.." }.joined(separator: ","))") }
            if let initial {
                config.initial = try LabOptions.assignments(initial, allowed: config.parameterNames, flag: "--init", dtype: config.dtype)
            }
            try config.validate()
            let session = try Session(config: config, streaming: false)
            let parameters = await session.inspect().parameters.map(\.value)
            curvature = try Curvature.loss(config: config, dataset: await session.dataset, at: parameters)
            let assignments = zip(config.parameterNames, parameters).map { "\($0) = \(NumberText.long($1))" }
            let samples = await session.dataset.trainInputs.count
            place = "the \(config.lab.rawValue) lab's loss (mean over \(samples) training sample\(samples == 1 ? "" : "s")) at \(assignments.joined(separator: ", "))"
        }
        print(json ? Self.json(curvature) : Self.text(curvature, place: place))
    }

    static func json(_ c: Curvature) -> String {
        func number(_ x: Double) -> Any { x.isFinite ? x : NSNull() }
        let object: [String: Any] = [
            "value": number(c.value), "gradient": c.gradient.map(number), "hessian": c.hessian.map { $0.map(number) },
            "eigenvalues": c.eigenvalues.map(number), "eigenvectors": c.eigenvectors.map { $0.map(number) },
            "criticalLR": c.criticalLearningRate.map { $0 as Any } ?? NSNull(), "conditionNumber": number(c.conditionNumber),
            // Why conditionNumber is null, where it is (JSON has no inf or NaN).
            "conditionNumberIs": c.conditionNumber.isFinite ? "finite"
                : !c.isFinite ? "notFinite" : c.conditionNumber.isNaN ? "undefined" : "infinite",
        ]
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]),
              let text = String(data: data, encoding: .utf8) else { return "{}" }
        return text
    }

    static func text(_ c: Curvature, place: String) -> String {
        func vector(_ v: [Double]) -> String { "[" + v.map(NumberText.long).joined(separator: ", ") + "]" }
        var lines = [place,
                     "value             \(NumberText.long(c.value))",
                     "gradient          \(vector(c.gradient))"]
        for (i, row) in c.hessian.enumerated() { lines.append((i == 0 ? "Hessian           " : "                  ") + vector(row)) }
        lines.append("eigenvalues       \(vector(c.eigenvalues))  (ascending)")
        for (value, v) in zip(c.eigenvalues, c.eigenvectors) {
            lines.append("  λ = \(NumberText.long(value)): direction \(vector(v))")
        }
        let condition = c.conditionNumber
        guard c.isFinite else {
            // NaN or infinite entries: no claim about curvature holds.
            lines.append("condition number  undefined (the Hessian is not finite here)")
            lines.append("critical lr       none: the Hessian is not finite here")
            return lines.joined(separator: "\n")
        }
        lines.append("condition number  " + (condition.isNaN ? "undefined (the Hessian is 0 here)" : NumberText.long(condition)))
        if let critical = c.criticalLearningRate {
            lines.append("critical lr       2/λmax = \(NumberText.long(critical)): plain gradient descent diverges here above it")
        } else {
            lines.append("critical lr       none: λmax ≤ 0 (no direction curves up here)")
        }
        return lines.joined(separator: "\n")
    }
}

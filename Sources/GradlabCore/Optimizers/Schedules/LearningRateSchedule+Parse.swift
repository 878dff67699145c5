extension LearningRateSchedule {
    /// Reads the `--schedule` syntax.
    ///
    ///     try LearningRateSchedule.parse("step:10,0.5")   // StepLR(step_size=10, gamma=0.5)
    ///     try LearningRateSchedule.parse("exp:0.95")      // ExponentialLR(gamma=0.95)
    ///     try LearningRateSchedule.parse("cosine:100")    // CosineAnnealingLR(T_max=100, eta_min=0)
    ///     try LearningRateSchedule.parse("none")          // constant
    ///
    /// Names are case-insensitive; `exponential`, `cos`, `constant` are
    /// accepted too. The result is validated.
    ///
    /// - Throws: a one-line ``GradlabError`` that shows the expected form.
    public static func parse(_ text: String) throws(GradlabError) -> LearningRateSchedule {
        let trimmed = text.trimmingSpaces
        let name: Substring
        let argumentText: Substring?
        if let colon = trimmed.firstIndex(of: ":") {
            name = trimmed[..<colon]
            argumentText = trimmed[trimmed.index(after: colon)...]
        } else {
            name = trimmed[...]
            argumentText = nil
        }
        let arguments = argumentText.map { $0.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingSpaces } } ?? []

        let schedule: LearningRateSchedule
        switch name.trimmingSpaces.lowercased() {
        case "none", "constant":
            guard arguments.isEmpty else { throw usage(text, "'none' takes no arguments") }
            schedule = .constant
        case "step":
            guard arguments.count == 2 else { throw usage(text, "step needs step_size,gamma, like step:10,0.5") }
            schedule = .step(stepSize: try integer(arguments[0], "step size", text), gamma: try number(arguments[1], "gamma", text))
        case "exp", "exponential":
            guard arguments.count == 1 else { throw usage(text, "exp needs gamma, like exp:0.95") }
            schedule = .exponential(gamma: try number(arguments[0], "gamma", text))
        case "cosine", "cos":
            guard arguments.count == 1 || arguments.count == 2 else {
                throw usage(text, "cosine needs T_max[,eta_min], like cosine:100,0")
            }
            let etaMin = arguments.count == 2 ? try number(arguments[1], "eta_min", text) : 0
            schedule = .cosine(tMax: try integer(arguments[0], "T_max", text), etaMin: etaMin)
        default:
            throw usage(text, "unknown schedule '\(name.trimmingSpaces)' (use none, step:N,GAMMA, exp:GAMMA or cosine:T_MAX,ETA_MIN)")
        }
        try schedule.validate()
        return schedule
    }

    private static func usage(_ text: String, _ message: String) -> GradlabError {
        GradlabError("--schedule '\(text)': \(message)")
    }

    private static func integer(_ text: String, _ what: String, _ whole: String) throws(GradlabError) -> Int {
        guard let value = Int(text) else { throw usage(whole, "\(what) '\(text)' is not a whole number") }
        return value
    }

    private static func number(_ text: String, _ what: String, _ whole: String) throws(GradlabError) -> Double {
        guard let value = Double(text), value.isFinite else { throw usage(whole, "\(what) '\(text)' is not a number") }
        return value
    }
}

fileprivate extension StringProtocol {
    /// Without leading and trailing spaces and tabs (no Foundation needed).
    var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}

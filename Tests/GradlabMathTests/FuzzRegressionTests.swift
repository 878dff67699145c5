import Testing
import GradlabMath

/// Inputs the libFuzzer targets (Fuzz/) found failing, kept as tests.
@Suite("Fuzz regressions: expressions")
struct FuzzRegressionTests {
    /// FuzzExpression, 2026-12-02: a chain of 136 signs parsed, but printed as
    /// `-(-(-(...)))`, twice as deep, which the parser's nesting limit refused.
    @Test func aDeepChainOfSignsPrintsAsTextThatParses() throws {
        let text = "--0/" + String(repeating: "-", count: 136) + "0/------1-----1"
        let expression = try Expression.parse(text, variables: ["x1", "x2"])
        let printed = expression.description
        #expect(try Expression.parse(printed, variables: ["x1", "x2"]) == expression, "\(printed)")
    }

    @Test(arguments: ["--x1", "-(-x1)", "--2", "-(2)", "-(-2)", "-x1^2", "-(x1*x2)", "2^-1", "-(2)^2", "---(3)", "-(-(2))"])
    func signsRoundTrip(text: String) throws {
        let expression = try Expression.parse(text, variables: ["x1", "x2"])
        #expect(try Expression.parse(expression.description, variables: ["x1", "x2"]) == expression, "\(text) -> \(expression.description)")
    }
}

import Testing
@testable import GradlabMath

/// Issue 13, defect 11: an expression error echoed 100 KB of input.
@Suite("Expression errors echo a window around the caret")
struct ExpressionEchoTests {
    @Test func aLongSourceIsCutAroundTheCaret() {
        let source = String(repeating: "x1+", count: 30_000) + "$" + String(repeating: "+x2", count: 30_000)
        let error = ExpressionError(message: "unexpected character '$'", source: source, column: 90_001)
        let lines = error.description.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.count == 3)
        #expect(lines[1].count <= ExpressionError.echoLimit + 4 && lines[1].hasPrefix("  …") && lines[1].hasSuffix("…"))
        // The caret still points at the '$'.
        let caret = lines[2].count - 1
        #expect(Array(lines[1])[caret] == "$")
    }

    @Test func aShortSourceIsEchoedWhole() {
        let error = ExpressionError(message: "expected ')'", source: "sin(x1", column: 7)
        #expect(error.description == "column 7: expected ')'\n  sin(x1\n        ^")
    }

    @Test func theEndOfALongSourceKeepsItsCaret() {
        let source = String(repeating: "x1+", count: 100) + "("
        let error = ExpressionError(message: "unexpected end of input", source: source, column: source.count + 1)
        let lines = error.description.split(separator: "\n").map(String.init)
        #expect(lines[1].hasPrefix("  …") && !lines[1].hasSuffix("…"))
        #expect(lines[2].count == lines[1].count + 1, "the caret one past the last character")
    }
}

import Foundation
import FuzzSupport
import GradlabMath

// The expression parser: any text is a tree or an ExpressionError, never a
// trap; a tree prints as text that parses back to an equal tree (the
// documented round trip), unless it holds a NaN constant (printed `nan`).
fuzz { input in
    let text = input.text
    guard let expression = try? Expression.parse(text, variables: ["x1", "x2"]) else { return }
    let printed = expression.description
    if printed.contains("nan") { return }
    guard let again = try? Expression.parse(printed, variables: ["x1", "x2"]) else {
        fatalError("'\(text)' parsed, but its printed form '\(printed)' does not")
    }
    if again != expression { fatalError("'\(text)' -> '\(printed)' parses to another tree") }
}

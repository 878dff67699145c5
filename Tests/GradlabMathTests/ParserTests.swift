import Testing
@testable import GradlabMath

private func parse(_ text: String, _ variables: [String]? = nil) throws -> Expression {
    try Expression.parse(text, variables: variables)
}

private func value(_ text: String, _ bindings: [String: Double] = [:]) throws -> Double {
    try parse(text).evaluate(bindings)
}

@Suite("Parser")
struct ParserTests {
    let x = Expression.variable("x")
    let y = Expression.variable("y")
    let z = Expression.variable("z")

    @Test func productsBindTighterThanSums() throws {
        #expect(try parse("x + y*z") == .binary(.add, x, .binary(.multiply, y, z)))
        #expect(try parse("x*y - z") == .binary(.subtract, .binary(.multiply, x, y), z))
        #expect(try value("1 + 2*3") == 7)
        #expect(try value("(1 + 2)*3") == 9)
    }

    @Test func sumsAndProductsAreLeftAssociative() throws {
        #expect(try parse("x - y - z") == .binary(.subtract, .binary(.subtract, x, y), z))
        #expect(try parse("x / y / z") == .binary(.divide, .binary(.divide, x, y), z))
        #expect(try value("8 - 4 - 2") == 2)
        #expect(try value("8 / 4 / 2") == 1)
    }

    @Test func powerIsRightAssociativeAndBindsTighterThanUnaryMinus() throws {
        #expect(try value("2^3^2") == 512)
        #expect(try parse("x^y^z") == .binary(.power, x, .binary(.power, y, z)))
        #expect(try parse("-x^2") == .unary(.negate, .binary(.power, x, .number(2))))
        #expect(try value("-x^2", ["x": 3]) == -9)
        #expect(try value("-2^2") == -4)
        #expect(try value("(-2)^2") == 4)
        #expect(try value("2^-1") == 0.5)
        #expect(try value("2**3") == 8)
    }

    @Test func unaryMinusAndPlus() throws {
        #expect(try parse("-2") == .number(-2))
        #expect(try parse("-x") == .unary(.negate, x))
        #expect(try parse("--x") == .unary(.negate, .unary(.negate, x)))
        #expect(try parse("+x") == x)
        #expect(try parse("x - -2") == .binary(.subtract, x, .number(-2)))
        #expect(try parse("-x*y") == .binary(.multiply, .unary(.negate, x), y))
    }

    @Test(arguments: [
        ("1e-3", 0.001), (".5", 0.5), ("2.", 2.0), ("1E+2", 100.0), ("0.25", 0.25),
        ("007", 7.0), ("1e999", Double.infinity), ("6.02e23", 6.02e23),
    ])
    func numbers(text: String, expected: Double) throws {
        #expect(try parse(text) == .number(expected))
    }

    @Test func constants() throws {
        #expect(try parse("pi") == .number(Double.pi))
        #expect(try parse("e") == .number(2.718281828459045))
        #expect(try value("cos(pi)") == -1)
        // Constants are reserved even when listed as variables.
        #expect(try parse("pi", ["pi", "x"]) == .number(Double.pi))
    }

    @Test func functions() throws {
        for function in UnaryFunction.allCases where function != .negate {
            #expect(try parse("\(function.rawValue)(x)") == .unary(function, x))
        }
        #expect(try parse("min(x, y)") == .binary(.minimum, x, y))
        #expect(try parse("max(x,y*z)") == .binary(.maximum, x, .binary(.multiply, y, z)))
        #expect(try value("max(1, 2) + min(1, 2)") == 3)
        #expect(try value("sigmoid(0)") == 0.5)
        #expect(try value("relu(-3) + relu(2)") == 2)
    }

    @Test func whitespaceIsFree() throws {
        #expect(try parse("  sin ( x ) \t*\t2 ") == .binary(.multiply, .unary(.sin, x), .number(2)))
    }

    @Test func variablesAreCollectedAndChecked() throws {
        let f = try parse("weight*x + bias - y", ["weight", "bias", "x", "y"])
        #expect(f.variables == ["weight", "bias", "x", "y"])
        #expect(try parse("x1 + 1", nil).variables == ["x1"])
    }

    @Test func theTutorialFunctionPrintsAsWritten() throws {
        let text = "sin(x1)*cos(x2) + sin(0.5*x1)*cos(0.5*x2)"
        #expect(try parse(text).description == text)
    }

    @Test(arguments: [
        "x - (y - z)", "x/(y*z)", "(x + y)^2", "(-x)^2", "-(x^2)", "x^-y", "(x^y)^z",
        "-(2)", "(-2)^x", "-2^x", "x*-2", "2^-1", "-(-x)", "-(x - y)", "max(-x, -2)",
        "sqrt(abs(x))/tanh(y) + sigmoid(relu(z))", "1e-05*x + 1e+20 - 0.1", "-(1e999)",
        "2^3^2", "(2^3)^2", "x - -y", "-x*y", "-(x*y)", "exp(-log(x))",
    ])
    func descriptionParsesBackToAnEqualTree(text: String) throws {
        let tree = try parse(text)
        #expect(try parse(tree.description) == tree, "\(text) printed as \(tree.description)")
    }

    @Test func randomTreesRoundTrip() throws {
        var random = SplitMix64(seed: 42)
        for _ in 0..<2000 {
            let tree = randomExpression(depth: 5, &random)
            let reparsed = try parse(tree.description)
            #expect(reparsed == tree, "\(tree.description)")
        }
    }
}

@Suite("Parser errors")
struct ParserErrorTests {
    private static let functions = "sin, cos, tan, exp, log, sqrt, abs, tanh, sigmoid, relu, min, max"

    @Test(arguments: [
        ("sin(x1", 7, "expected ')'"),
        ("x1 +", 5, "unexpected end of input"),
        ("3 $ 4", 3, "unexpected character '$'"),
        ("foo(x1)", 1, "unknown function 'foo' (known: \(functions))"),
        ("max(x1)", 1, "max takes 2 arguments, got 1"),
        ("sin(x1, x2)", 1, "sin takes 1 argument, got 2"),
        ("sin()", 1, "sin takes 1 argument, got 0"),
        ("max(x1 x2)", 8, "expected ',' or ')'"),
        ("x1 x2", 4, "expected an operator before 'x2'"),
        ("2x1", 2, "expected an operator before 'x1'"),
        ("", 1, "empty expression"),
        ("   ", 1, "empty expression"),
        ("1e", 1, "malformed number '1e' (no digits in the exponent)"),
        ("x1 + 2e-", 6, "malformed number '2e-' (no digits in the exponent)"),
        ("..5", 1, "malformed number '..5' (more than one '.')"),
        ("1.2.3", 1, "malformed number '1.2.3' (more than one '.')"),
        ("x1 * .", 6, "malformed number '.' (no digits)"),
        ("(x1", 4, "expected ')'"),
        ("(x1 x2)", 5, "expected ')'"),
        ("x1)", 3, "unmatched ')'"),
        ("sin + 1", 5, "expected '(' after function 'sin'"),
        ("2 * * 3", 5, "expected a number, name or '(' before '*'"),
        ("sin(x1 $)", 8, "unexpected character '$'"),
        ("x3 + 1", 1, "unknown name 'x3' (known: x1, x2, pi, e, \(functions))"),
    ])
    func malformedInput(text: String, column: Int, message: String) {
        #expect(throws: ExpressionError(message: message, source: text, column: column)) {
            try Expression.parse(text, variables: ["x1", "x2"])
        }
    }

    @Test func pathologicalNestingIsAnErrorNotACrash() throws {
        let deep = String(repeating: "(", count: 300) + "x" + String(repeating: ")", count: 300)
        #expect(throws: ExpressionError(message: "expression nested too deeply (more than 256 levels)", source: deep, column: 257)) {
            try Expression.parse(deep)
        }
        let fine = String(repeating: "(", count: 200) + "x" + String(repeating: ")", count: 200)
        #expect(try Expression.parse(fine) == .variable("x"))
        let long = Array(repeating: "1", count: 6000).joined(separator: "+")
        #expect(throws: ExpressionError.self) { try Expression.parse(long) }
        let minus = String(repeating: "-", count: 1000) + "x"
        #expect(throws: ExpressionError.self) { try Expression.parse(minus) }
    }

    @Test func columnsCountCharactersNotBytes() {
        // "é" is one Character but two UTF-8 bytes.
        #expect(throws: ExpressionError(message: "unexpected character '$'", source: "é + $", column: 5)) {
            try Expression.parse("é + $")
        }
    }

    @Test func descriptionPutsACaretUnderTheColumn() throws {
        let error = ExpressionError(message: "expected ')'", source: "sin(x1", column: 7)
        #expect(error.oneLine == "column 7: expected ')'")
        #expect(error.description == "column 7: expected ')'\n  sin(x1\n        ^")
        let tabbed = ExpressionError(message: "m", source: "\tx $", column: 4)
        #expect(tabbed.description == "column 4: m\n  \tx $\n  \t  ^")
    }
}

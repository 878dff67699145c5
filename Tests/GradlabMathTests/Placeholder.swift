import Testing

@Test func placeholder_GradlabMathTests() { #expect(1 + 1 == 2) }

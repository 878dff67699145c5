import Testing

@Test func placeholder_GradlabUITests() { #expect(1 + 1 == 2) }

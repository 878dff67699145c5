import Testing

@Test func placeholder_GradlabCLITests() { #expect(1 + 1 == 2) }

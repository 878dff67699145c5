import Testing

@Test func placeholder_GradlabCoreTests() { #expect(1 + 1 == 2) }

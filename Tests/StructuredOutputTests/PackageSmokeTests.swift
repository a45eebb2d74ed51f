import Testing

@Suite struct PackageSmokeTests {
    @Test func targetBuilds() { #expect(Bool(true)) }
}

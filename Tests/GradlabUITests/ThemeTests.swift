import Foundation
import Testing
@testable import GradlabUI

@Suite struct ThemeTests {
    /// The repository's `themes/` folder.
    static let themesFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("themes").path

    @Test func builtInDarkMatchesTheFile() throws {
        let file = try String(contentsOfFile: Self.themesFolder + "/dark.theme", encoding: .utf8)
        #expect(file.trimmingCharacters(in: .newlines) == BuiltinThemes.dark.trimmingCharacters(in: .newlines))
        #expect(Theme.dark.ramp.count == 10)
        #expect(Theme.dark.series.count == Theme.seriesCount)
        #expect(Theme.dark.background == .default)
        #expect(Theme.dark.accent == .rgb(0xeb, 0xcb, 0x8b))
    }

    @Test func builtInLightMatchesTheFile() throws {
        let file = try String(contentsOfFile: Self.themesFolder + "/light.theme", encoding: .utf8)
        #expect(file.trimmingCharacters(in: .newlines) == BuiltinThemes.light.trimmingCharacters(in: .newlines))
        #expect(Theme.light.background == .rgb(0xfa, 0xfa, 0xfa))
        #expect(try Theme.load(nameOrPath: "light", searchPaths: ["/nonexistent"]).name == "light")
    }

    @Test func builtInHighContrastMatchesTheFile() throws {
        let file = try String(contentsOfFile: Self.themesFolder + "/high-contrast.theme", encoding: .utf8)
        #expect(file.trimmingCharacters(in: .newlines) == BuiltinThemes.highContrast.trimmingCharacters(in: .newlines))
        #expect(Theme.highContrast.name == "high-contrast" && Theme.highContrast.background == .rgb(0, 0, 0))
    }

    @Test(arguments: ["dark", "light", "high-contrast"])
    func shippedThemesLoadByName(name: String) throws {
        let theme = try Theme.load(nameOrPath: name, searchPaths: [Self.themesFolder])
        #expect(theme.name == name)
        #expect(!theme.ramp.isEmpty)
    }

    @Test func loadByPathAndFallBackToBuiltInDark() throws {
        let light = try Theme.load(nameOrPath: Self.themesFolder + "/light.theme")
        #expect(light.background == .rgb(0xfa, 0xfa, 0xfa))
        let dark = try Theme.load(nameOrPath: "dark", searchPaths: ["/nonexistent"])
        #expect(dark.accent == Theme.dark.accent)
        #expect(throws: ThemeLoadError.self) { try Theme.load(nameOrPath: "no-such-theme", searchPaths: []) }
        #expect(Theme.availableNames(searchPaths: [Self.themesFolder]) == ["dark", "high-contrast", "light"])
    }

    @Test func parsesCommentsSpacesAndFallsBack() throws {
        let theme = try Theme.parse("""
            # a comment
              accent=#FF0000   # trailing comment

            ramp.0 = #000000
            ramp.1 = #ffffff
            background = default
            """, name: "mine")
        #expect(theme.accent == .rgb(255, 0, 0))
        #expect(theme.ramp == [.rgb(0, 0, 0), .rgb(255, 255, 255)])
        #expect(theme.background == .default)
        #expect(theme.foreground == Theme.dark.foreground, "missing keys come from the dark theme")
        #expect(theme.series == Theme.dark.series)
    }

    @Test(arguments: [
        ("accent #ffffff", 1, 8, ThemeError.Reason.missingEquals),
        ("foreground = #fff\n", 1, 14, .badColor("#fff")),
        ("\n\n  colour = #ffffff", 3, 3, .unknownKey("colour")),
        ("accent = #12345g", 1, 10, .badColor("#12345g")),
        ("accent =", 1, 9, .badColor("")),
        ("accent = #112233#445566", 1, 10, .badColor("#112233#445566")),
        ("accent = #112233 extra", 1, 18, .trailingText("extra")),
        ("title = #111111\ntitle = #222222", 2, 1, .duplicateKey("title", firstLine: 1)),
        ("= #111111", 1, 1, .missingKey),
        ("ramp.0 = #000000\nramp.2 = #111111", 2, 1, .rampGap(missing: 1)),
        ("series.8 = #000000", 1, 1, .indexTooLarge("series.8", count: 8)),
        ("ramp.32 = #000000", 1, 1, .indexTooLarge("ramp.32", count: 32)),
        ("ramp.01 = #000000", 1, 1, .unknownKey("ramp.01")),
    ])
    func malformedThemesReportLineAndColumn(text: String, line: Int, column: Int, reason: ThemeError.Reason) {
        do {
            _ = try Theme.parse(text, name: "bad", path: "themes/bad.theme")
            Issue.record("expected an error for \(text.debugDescription)")
        } catch {
            #expect(error.line == line)
            #expect(error.column == column)
            #expect(error.reason == reason)
            #expect(error.description.hasPrefix("themes/bad.theme:\(line):\(column): "))
        }
    }

    /// A level past the last: how many there can be, not "unknown key".
    @Test func aLevelPastTheLastSaysHowManyThereCanBe() {
        do {
            _ = try Theme.parse("ramp.32 = #000000", name: "bad", path: "bad.theme")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "bad.theme:1:1: ramp.32: there are at most 32 (ramp.0 to ramp.31)")
        }
    }

    /// A path that names no file says so (not "no theme named").
    @Test func aMissingThemeFileIsNamedAsAFile() {
        do {
            _ = try Theme.load(nameOrPath: "./nope.theme")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "no theme file './nope.theme'")
        }
    }

    @Test func loadReportsTheFilePathInErrors() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gradlab-theme-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("broken.theme").path
        try "accent = #zzzzzz\n".write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try Theme.load(nameOrPath: "broken", searchPaths: [folder.path])
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "\(path):1:10: bad colour '#zzzzzz' (expected #RRGGBB or default)")
        }
    }
}

import Testing
@testable import GradlabUI

@Suite struct ScreenTests {
    @Test func putClipsToScreenAndRect() {
        var screen = Screen(width: 6, height: 2)
        screen.put("hello world", x: 2, y: 0, style: .plain)
        screen.put("abc", x: -1, y: 1, style: .plain, clip: Rect(x: 0, y: 1, width: 1, height: 1))
        screen.put("zzz", x: 0, y: 5, style: .plain)
        #expect(screen.lines == ["  hell", "b"])
    }

    @Test func linesTrimTrailingSpaces() {
        var screen = Screen(width: 5, height: 1)
        screen.put("a b", x: 0, y: 0, style: .plain)
        #expect(screen.lines == ["a b"])
    }

    @Test func controlCharactersBecomeSpaces() {
        var screen = Screen(width: 5, height: 1)
        screen.put("a\nb", x: 0, y: 0, style: .plain)
        #expect(screen.lines == ["a b"])
    }

    @Test func fillAndCellAccess() {
        var screen = Screen(width: 3, height: 3)
        screen.fill(Rect(x: 1, y: 1, width: 5, height: 5), with: "#", style: Style(bold: true))
        #expect(screen.lines == ["", " ##", " ##"])
        #expect(screen.cell(x: 2, y: 2)?.style.bold == true)
        #expect(screen.cell(x: 3, y: 0) == nil)
    }

    @Test func rowsAndColumnsTileTheWhole() {
        let area = Rect(x: 2, y: 3, width: 100, height: 10)
        let columns = area.columns([.fixed(10), .fraction(0.5), .fill, .fill])
        #expect(columns.map(\.width) == [10, 50, 20, 20])
        #expect(columns.map(\.x) == [2, 12, 62, 82])
        let rows = area.rows([.fixed(4), .fixed(20), .fill])
        #expect(rows.map(\.height) == [4, 6, 0])
        #expect(rows.map(\.y) == [3, 7, 13])
    }

    @Test func insetAndCentre() {
        let area = Rect(x: 0, y: 0, width: 10, height: 6)
        #expect(area.inset(by: 1) == Rect(x: 1, y: 1, width: 8, height: 4))
        #expect(area.inset(by: 4).isEmpty)
        #expect(area.centered(width: 4, height: 2) == Rect(x: 3, y: 2, width: 4, height: 2))
        #expect(area.intersection(Rect(x: 8, y: 5, width: 5, height: 5)) == Rect(x: 8, y: 5, width: 2, height: 1))
    }

    @Test func styleDumpNamesEachStyle() {
        var screen = Screen(width: 3, height: 1)
        screen.put("ab", x: 0, y: 0, style: Style(fg: .rgb(255, 0, 0), bold: true))
        #expect(screen.styleDump == "aa.\na = fg #ff0000 bg default bold")
    }

    @Test func truncationUsesEllipsis() {
        #expect(TextFit.truncate("abcdef", to: 4) == "abc…")
        #expect(TextFit.truncate("abc", to: 4) == "abc")
        #expect(TextFit.truncate("abcdef", to: 4, ellipsis: "~") == "abc~")
        #expect(TextFit.padLeft("12", to: 4) == "  12")
    }

    /// A cut message never ends inside a number (`epoch 5…` of `50`): it is
    /// cut at the word before; other words are cut where the width falls.
    @Test func truncationNeverCutsANumber() {
        let message = "no epoch 999 in this recording (it ends at epoch 50)"
        #expect(TextFit.truncateOutsideNumbers(message, to: 51) == "no epoch 999 in this recording (it ends at epoch…")
        #expect(TextFit.truncateOutsideNumbers(message, to: 11) == "no epoch…")
        #expect(TextFit.truncateOutsideNumbers(message, to: 12) == "no epoch…")
        #expect(TextFit.truncateOutsideNumbers(message, to: 13) == "no epoch 999…")
        #expect(TextFit.truncateOutsideNumbers(message, to: 52) == message)
        // Not a number: cut where the width falls, as truncate does.
        #expect(TextFit.truncateOutsideNumbers(message, to: 48) == "no epoch 999 in this recording (it ends at epoc…")
        #expect(TextFit.truncateOutsideNumbers("saved to run.json now", to: 14) == "saved to run.…")
        // Decimals and signs are part of the number.
        #expect(TextFit.truncateOutsideNumbers("lr 0.0178 set", to: 6) == "lr…")
        #expect(TextFit.truncateOutsideNumbers("lr 12.5 set", to: 6) == "lr…")
        #expect(TextFit.truncateOutsideNumbers("x = -5 ok", to: 6) == "x =…")
        // No space before the number: cut before it.
        #expect(TextFit.truncateOutsideNumbers("screen-epoch12.svg", to: 14) == "screen-epoch…")
        #expect(TextFit.truncateOutsideNumbers("abc", to: 0) == "")
        #expect(TextFit.truncateOutsideNumbers("epoch 50", to: 7, ellipsis: "~") == "epoch~")
    }
}

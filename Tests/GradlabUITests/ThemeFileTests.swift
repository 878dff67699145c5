#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import GradlabUI

/// Issue 13, defect 11: theme files edited on Windows, binary files and
/// paths that are not files were explained with a raw `\r` or Foundation's
/// generic text.
@Suite("Theme files explained plainly")
struct ThemeFileTests {
    static func file(_ bytes: [UInt8], named name: String) throws -> String {
        let directory = NSTemporaryDirectory() + "gradlab-theme-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/" + name
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        return path
    }

    @Test func crlfLinesReadAsLines() throws {
        let path = try Self.file(Array("background = #000000\r\nforeground = #ffffff\r\n".utf8), named: "crlf.theme")
        let theme = try Theme.load(nameOrPath: path)
        #expect(theme.name == "crlf")
    }

    @Test func anErrorInACRLFFileNamesItsLineWithoutARawReturn() throws {
        let path = try Self.file(Array("background = #000000\r\nforeground = #ffffff junk\r\n".utf8), named: "bad.theme")
        #expect { try Theme.load(nameOrPath: path) } throws: { error in
            let text = "\(error)"
            return text == "\(path):2:22: unexpected 'junk' after the colour" && !text.contains("\r")
        }
    }

    @Test func controlCharactersInAMessageAreEscaped() {
        #expect(ThemeError.visible("a\rb\u{1B}[2J") == "a\\rb\\u{1b}[2J")
    }

    @Test func aBinaryFileIsNotUTF8Text() throws {
        let path = try Self.file([0x00, 0x01, 0xFF, 0xFE, 0x89, 0x50], named: "binary.theme")
        #expect { try Theme.load(nameOrPath: path) } throws: { error in
            let text = "\(error)"
            return text.contains("not UTF-8 text") && !text.contains("correct format")
        }
    }

    @Test func aFIFOSaysWhatItIs() throws {
        let path = NSTemporaryDirectory() + "gradlab-fifo-\(UUID().uuidString).theme"
        #expect(mkfifo(path, 0o600) == 0)
        defer { unlink(path) }
        #expect { try Theme.load(nameOrPath: path) } throws: { error in "\(error)".contains("is a FIFO") }
    }
}

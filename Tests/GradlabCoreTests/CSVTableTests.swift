import Testing
@testable import GradlabCore

@Suite("CSV loading")
struct CSVTableTests {
    @Test func readsColumnsInAnyOrderWithBlankLinesAndCRLF() throws {
        let table = try CSVTable.parse("x2, x1\r\n1, 2\r\n\r\n3.5,-4e-1\n", path: "s.csv", required: ["x1", "x2"])
        #expect(table.rowCount == 2)
        #expect(table.columns["x1"] == [2, -0.4])
        #expect(table.columns["x2"] == [1, 3.5])
    }

    @Test func readsTextColumns() throws {
        let table = try CSVTable.parse("x,y,split\n0,1,train\n1,2,TEST\n", path: "d.csv", required: ["x", "y"], textColumns: ["split"])
        #expect(table.labels["split"] == ["train", "test"])
    }

    /// A text column's bad value is at its file line and column, as every other CSV error.
    @Test func aBadLabelNamesFileLineAndColumn() {
        #expect(throws: GradlabError("d.csv:4:5: split must be 'train' or 'test', got 'Validate'")) {
            try CSVTable.parse("x,y,split\n0,1,train\n\n1,2,Validate\n", path: "d.csv", required: ["x", "y"], textColumns: ["split"],
                               labelValues: ["split": ["train", "test"]])
        }
    }

    @Test(arguments: [
        ("", "e.csv: empty file (expected a header with columns x1, x2)"),
        ("x1,x2\n", "e.csv:1: no data rows after the header"),
        ("x1,y\n1,2\n", "e.csv:1: missing column 'x2' (header has: x1, y; needs: x1, x2)"),
        ("x1,x2\n1,abc\n", "e.csv:2:3: 'abc' is not a number (column x2)"),
        ("x1,x2\n1, \n", "e.csv:2:3: empty cell (column x2)"),
        ("x1,x2\n1,nan\n", "e.csv:2:3: 'nan' is not a finite number (column x2)"),
        ("x1,x2\n1,2\n3\n", "e.csv:3: expected 2 cells as in the header, found 1"),
        ("x1,x2\n1,2\n3,inf\n", "e.csv:3:3: 'inf' is not a finite number (column x2)"),
    ])
    func malformedInputNamesFileLineAndColumn(text: String, message: String) {
        #expect(throws: GradlabError(message)) {
            try CSVTable.parse(text, path: "e.csv", required: ["x1", "x2"])
        }
    }

    @Test func missingFileIsOneLine() {
        #expect(throws: GradlabError("/nonexistent/s.csv: cannot read file (no such file)")) {
            try CSVTable.load(path: "/nonexistent/s.csv", required: ["x1"])
        }
    }
}

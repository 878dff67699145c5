/// Which of a plane's legend entries its header shows, in the room it has.
///
/// Entries come largest first (basins) or in the command line's order
/// (`--compare` groups); each is a marker and a label. When they do not all
/// fit the last ones give way, and a note counts exactly those
/// (`+2 more`); a lone entry that does not fit is its own label shortened,
/// which says more than `+1 more`. When not even the first fits whole it is
/// shortened (`● no…  +6 more`): "+N more" never stands alone.
///
/// The minima's key (`✕ minimum`) is not an entry: it names a marker, not a
/// group of points. It goes last, gives way first and is not counted, so
/// `+1 more` under `--compare sgd,adam` means adam.
enum LegendFit {
    typealias Part = HeaderText.Part

    /// The groups to draw, left to right.
    /// - Parameters:
    ///   - entries: marker and label parts (the label's text is ` label  `).
    ///   - key: the minima's key, if any.
    ///   - room: columns for all of it.
    ///   - ellipsis: where a label is cut.
    ///   - noteStyle: the style of the count.
    static func fit(_ entries: [[Part]], key: [Part]?, room: Int, ellipsis: Unicode.Scalar,
                    noteStyle: Style) -> [[Part]] {
        func width(_ groups: some Sequence<[Part]>) -> Int {
            groups.reduce(0) { total, group in total + group.reduce(0) { $0 + $1.text.unicodeScalars.count } }
        }
        if let key, width(entries + [key]) <= room { return entries + [key] }
        if width(entries) <= room { return entries }
        let n = entries.count
        func note(_ count: Int) -> [Part] { [("+\(count) more  ", noteStyle)] }
        // The entry with its label cut to what is left of `room`; nil when
        // fewer than `least` columns of the label would show.
        func shortened(_ entry: [Part], room: Int, least: Int) -> [Part]? {
            guard entry.count == 2 else { return nil }
            let labelRoom = room - entry[0].text.unicodeScalars.count - 3
            guard labelRoom >= least else { return nil }
            let label = TextFit.truncateOutsideNumbers(entry[1].text.trimmingCharacters(in: .whitespaces), to: labelRoom,
                                                       ellipsis: ellipsis)
            guard let head = label.unicodeScalars.first, head != ellipsis else { return nil }
            return [entry[0], (" \(label)  ", entry[1].style)]
        }
        for kept in stride(from: n - 1, through: 1, by: -1) {
            let whole = Array(entries[..<kept])
            if kept == n - 1, let last = shortened(entries[kept], room: room - width(whole), least: 4) {
                return whole + [last]
            }
            if width(whole) + width([note(n - kept)]) <= room { return whole + [note(n - kept)] }
        }
        guard let first = entries.first else { return [] }
        let rest = n > 1 ? [note(n - 1)] : []
        if let cut = shortened(first, room: room - width(rest), least: 2) { return [cut] + rest }
        // Not even a letter of the first: say how many, not "more" than none.
        let count: [Part] = [("\(n) not shown  ", noteStyle)]
        return width([count]) <= room ? [count] : []
    }
}

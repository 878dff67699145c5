import Foundation

/// Why a theme could not be loaded.
public enum ThemeLoadError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No `NAME.theme` in any folder searched.
    case notFound(name: String, searched: [String])
    /// The file exists but could not be read as UTF-8 text.
    case unreadable(path: String, reason: String)
    /// The file was read but is malformed.
    case malformed(ThemeError)

    public var description: String {
        switch self {
        case .notFound(let name, let searched):
            // A path (it has a '/' or ends in .theme): no file there.
            guard !searched.isEmpty else { return "no theme file '\(name)'" }
            let known = Theme.names(in: searched).joined(separator: ", ")
            return "no theme named '\(name)' (known: \(known); looked in \(searched.joined(separator: ", ")))"
        case .unreadable(let path, let reason): return "\(path): cannot read theme: \(reason)"
        case .malformed(let error): return error.description
        }
    }
}

extension Theme {
    /// Loads a theme by name (`dark`, `light`, `high-contrast`, …) or by path.
    ///
    /// A value containing `/` or ending in `.theme` is a path. A name is looked
    /// up as `NAME.theme` in `searchPaths`, then `themes/` beside the
    /// executable, `../share/gradlab/themes` beside it, and `themes/` in the
    /// current directory. `dark`, `light` and `high-contrast` always resolve:
    /// the built-in copies are the last resort, so gradlab works when no
    /// themes folder is installed.
    /// - Parameters:
    ///   - nameOrPath: a theme name or a file path.
    ///   - searchPaths: folders searched before the default ones.
    public static func load(nameOrPath: String, searchPaths: [String] = []) throws(ThemeLoadError) -> Theme {
        let isPath = nameOrPath.contains("/") || nameOrPath.hasSuffix(".theme")
        let name = themeName(of: nameOrPath)
        let candidates = isPath
            ? [nameOrPath]
            : themeFolders(searchPaths: searchPaths).map { ($0 as NSString).appendingPathComponent("\(name).theme") }

        for path in candidates where FileManager.default.fileExists(atPath: path) {
            if let kind = ThemeFileKind.notRegular(path) { throw .unreadable(path: path, reason: kind) }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw .unreadable(path: path, reason: access(path, R_OK) != 0 ? "permission denied" : "cannot read the file")
            }
            guard let text = String(data: data, encoding: .utf8), !text.unicodeScalars.contains("\0") else {
                throw .unreadable(path: path, reason: "not UTF-8 text (a binary file?); a theme is lines of key = #RRGGBB")
            }
            do {
                return try parse(text, name: name, path: path)
            } catch {
                throw .malformed(error)
            }
        }
        if !isPath, let builtIn = builtIns[name] { return builtIn }
        throw .notFound(name: nameOrPath, searched: isPath ? [] : themeFolders(searchPaths: searchPaths))
    }

    /// The names of the themes found in the search folders, sorted, always including the built-in ones.
    public static func availableNames(searchPaths: [String] = []) -> [String] {
        names(in: themeFolders(searchPaths: searchPaths))
    }

    /// The built-in themes and those in `folders`, sorted.
    static func names(in folders: [String]) -> [String] {
        var names = Set(builtIns.keys)
        for folder in folders {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            for file in files where file.hasSuffix(".theme") { names.insert(themeName(of: file)) }
        }
        return names.sorted()
    }

    /// The folders a theme name is looked up in, in order.
    public static func themeFolders(searchPaths: [String] = []) -> [String] {
        var folders = searchPaths
        if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent() {
            folders.append(executable.appendingPathComponent("themes").path)
            folders.append(executable.appendingPathComponent("../share/gradlab/themes").standardizedFileURL.path)
        }
        folders.append((FileManager.default.currentDirectoryPath as NSString).appendingPathComponent("themes"))
        var unique: [String] = []
        for folder in folders where !unique.contains(folder) { unique.append(folder) }
        return unique
    }

    /// `path/to/light.theme` → `light`.
    private static func themeName(of nameOrPath: String) -> String {
        let file = (nameOrPath as NSString).lastPathComponent
        return file.hasSuffix(".theme") ? String(file.dropLast(".theme".count)) : file
    }
}

/// What a theme path names when it is not a regular file (a FIFO, a device,
/// standard input): reading one could block, and "cannot read" says nothing.
enum ThemeFileKind {
    static func notRegular(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "is a directory, not a file"
        case S_IFIFO: return "is a FIFO (named pipe) or a pipe, not a regular file"
        case S_IFCHR: return "is a character device (a terminal, /dev/stdin, /dev/null), not a regular file"
        case S_IFBLK: return "is a block device, not a regular file"
        case S_IFSOCK: return "is a socket, not a regular file"
        default: return "is not a regular file"
        }
    }
}

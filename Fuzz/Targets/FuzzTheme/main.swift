import Foundation
import FuzzSupport
import GradlabUI

// The theme reader: a theme or a ThemeError.
fuzz { input in
    guard let text = String(validating: input.bytes, as: UTF8.self) else { return }
    _ = try? Theme.parse(text, name: "fuzz")
}

import Foundation
import Testing
@testable import GradlabUI

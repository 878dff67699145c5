import Foundation
import FuzzSupport
import GradlabCore

// The --compare list parser: optimizer configs or a GradlabError (it
// trapped on 'adam:' and 'sgd::lr=0.1').
fuzz { input in
    _ = try? CompareList.parse(input.text, base: OptimizerConfig(kind: .sgd))
}

import Foundation

/// The general case of `String.trimmedOfSpaces`, through Foundation.
func slowTrimmed(_ text: String) -> String { text.trimmingCharacters(in: .whitespaces) }

import Foundation

/// Repository Actions variables: `POST …/actions/variables` (201), `PATCH …/variables/{name}` (204),
/// `GET …/variables/{name}` (200 with the value: variables are not secret). Fine-grained tokens and Apps need
/// the `actions_variables` permission.
enum VariableRoutes {
    static func create(_ state: inout SimulatorState, _ context: RouteContext) -> GitHubResponse {
        switch ContentAccess.check(state, context, area: .actionsVariables, need: .write) {
        case .failure(let error):
            return error.response
        case .success(let key):
            guard let body = try? JSONSerialization.jsonObject(with: Data(context.request.body)) as? [String: Any],
                  let name = body["name"] as? String, let value = body["value"] as? String
            else { return .error(422, "Invalid request.\n\n\"name\" and \"value\" are required.") }
            guard isValidName(name) else { return .error(422, "Variable name \(name) is invalid") }
            guard state.apps.variables[key]?[name.uppercased()] == nil else { return .error(409, "Already exists - Variable already exists") }
            state.apps.variables[key, default: [:]][name.uppercased()] = VariableRecord(
                name: name.uppercased(), value: value, createdAt: context.now, updatedAt: context.now)
            return .json(201, [String: Any]())
        }
    }

    static func update(_ state: inout SimulatorState, _ context: RouteContext) -> GitHubResponse {
        switch ContentAccess.check(state, context, area: .actionsVariables, need: .write) {
        case .failure(let error):
            return error.response
        case .success(let key):
            let name = context.parameter("name").uppercased()
            guard state.apps.variables[key]?[name] != nil else { return .notFound }
            guard let body = try? JSONSerialization.jsonObject(with: Data(context.request.body)) as? [String: Any],
                  let value = body["value"] as? String
            else { return .error(422, "Invalid request.\n\n\"value\" is required.") }
            state.apps.variables[key]?[name]?.value = value
            state.apps.variables[key]?[name]?.updatedAt = context.now
            return .noContent()
        }
    }

    static func get(_ state: inout SimulatorState, _ context: RouteContext) -> GitHubResponse {
        switch ContentAccess.check(state, context, area: .actionsVariables, need: .read) {
        case .failure(let error):
            return error.response
        case .success(let key):
            guard let variable = state.apps.variables[key]?[context.parameter("name").uppercased()] else { return .notFound }
            return .json(200, [
                "name": variable.name, "value": variable.value,
                "created_at": SimulatorTime.iso8601(variable.createdAt), "updated_at": SimulatorTime.iso8601(variable.updatedAt),
            ])
        }
    }

    /// GitHub's rule for variable names, the same as for secrets.
    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !("0"..."9").contains(first), !name.uppercased().hasPrefix("GITHUB_") else { return false }
        return name.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }
}

//! `crm mcp`: the CRM as tools for AI assistants, over the Model Context Protocol
//! (README, "Assistants").
//!
//! The protocol is the official SDK's (`rmcp`): JSON-RPC 2.0 over stdio, the protocol
//! versions and their negotiation, protocol errors (unknown method, malformed JSON). A
//! tool call runs this same crm executable with an argument vector built from the tool's
//! typed input ([`tools`]) and returns the command's JSON: a tool does what its command
//! does, with the same checks, write lock and atomic writes, fails with the same message,
//! and leaves nothing behind in the server (no records held between calls, no state a
//! crash of one call could spoil). `show_record` and the resources read the folder here.

pub mod calls;
pub mod resources;
pub mod stdio;
pub mod tools;

use std::path::PathBuf;
use std::sync::Arc;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    ListResourceTemplatesResult, ListResourcesResult, ListToolsResult, PaginatedRequestParams,
    ReadResourceRequestParams, ReadResourceResponse, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};

use crm::store::ClockPins;

/// What every call needs: the crm to run, the folder, the pinned clock, the mode.
#[derive(Debug)]
pub struct Setup {
    /// This executable.
    pub exe: PathBuf,
    /// The crm folder's root.
    pub root: PathBuf,
    pub pins: ClockPins,
    /// `--read-only` or `[mcp] read_only`: the write tools are neither listed nor run.
    pub read_only: bool,
}

#[derive(Debug, Clone)]
pub struct Server(Arc<Setup>);

impl Server {
    pub fn new(setup: Setup) -> Server {
        Server(Arc::new(setup))
    }
}

/// The tools this server lists: all, or the reading ones.
pub fn listed(read_only: bool) -> Vec<Tool> {
    tools::TOOLS
        .iter()
        .filter(|t| !(read_only && t.writes))
        .map(|t| {
            let schema = (t.schema)().to_value();
            let object = schema.as_object().cloned().unwrap_or_default();
            Tool::new(t.name, t.description, Arc::new(object))
        })
        .collect()
}

impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .build(),
        )
        .with_server_info(Implementation::new("crm", env!("CARGO_PKG_VERSION")))
        .with_instructions(
            "A CRM kept as YAML files: customers, deals, tickets, campaigns, interactions. \
             Read crm://config for the stages and settings and crm://schema/{type} for the \
             fields before writing; references take an id, a unique prefix or a customer's e-mail.",
        )
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(listed(self.0.read_only)))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let name = request.name.to_string();
        let Some(spec) = tools::TOOLS.iter().find(|t| t.name == name) else {
            return Err(ErrorData::invalid_params(
                format!("no tool is named {name:?}"),
                None,
            ));
        };
        if spec.writes && self.0.read_only {
            return Ok(CallToolResult::error(vec![ContentBlock::text(format!(
                "{name} writes, and this server is read-only (`crm mcp --read-only` or crm.toml's [mcp] read_only = true)"
            ))])
            .into());
        }
        let setup = Arc::clone(&self.0);
        let arguments = request.arguments.unwrap_or_default();
        // Each call runs crm and waits for it: off the protocol's thread.
        let outcome =
            tokio::task::spawn_blocking(move || calls::call(&setup, &name, arguments)).await;
        let result = match outcome {
            Ok(Ok(done)) => {
                let mut r = CallToolResult::success(vec![ContentBlock::text(done.text)]);
                r.structured_content = Some(done.structured);
                r
            }
            Ok(Err(message)) => CallToolResult::error(vec![ContentBlock::text(message)]),
            Err(e) => {
                CallToolResult::error(vec![ContentBlock::text(format!("the call stopped: {e}"))])
            }
        };
        Ok(result.into())
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        Ok(ListResourcesResult::with_all_items(resources::listed()))
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, ErrorData> {
        Ok(ListResourceTemplatesResult::with_all_items(
            resources::templates(),
        ))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let setup = Arc::clone(&self.0);
        let uri = request.uri.clone();
        match tokio::task::spawn_blocking(move || resources::read(&setup, &uri)).await {
            Ok(Ok(contents)) => Ok(rmcp::model::ReadResourceResult::new(vec![contents]).into()),
            Ok(Err(e)) => Err(e),
            Err(e) => Err(ErrorData::internal_error(e.to_string(), None)),
        }
    }
}

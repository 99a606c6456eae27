/** Shown in the first tab when the browser has no saved GraphiQL tabs yet. */
export const DEFAULT_QUERY = `# Headroom GraphQL API. Run with Ctrl-Enter or the ▶ button;
# the Docs pane on the left lists every query, mutation and subscription.
{
  __typename
}
`;

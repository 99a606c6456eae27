/** Shown in the first tab when the browser has no saved GraphiQL tabs yet. */
export const DEFAULT_QUERY = `# Headroom: add labels to a trained classifier and measure which way works.
# Run with Ctrl-Enter or the ▶ button; the Docs pane lists every query, mutation and subscription.
# README.md walks through a whole session: import a dataset, train a base model, extend its
# label set, launch strategies side by side and compare them.
{
  datasets(first: 5) {
    totalCount
    nodes { id name exampleCount labels { label train validation test } }
  }
  experiments(first: 5) {
    nodes { id name tags runs { totalCount } }
  }
}
`;

import { ApiKeyField } from './components/api-key-field';
import { ComparePage } from './pages/compare-page';
import { ExperimentPage } from './pages/experiment-page';
import { ExperimentsPage } from './pages/experiments-page';
import { RunPage } from './pages/run-page';
import { href, useRoute, type Route } from './lib/router';

export function App() {
  const route = useRoute();
  return (
    <>
      <header className="top">
        <a className="brand" href={href.experiments()}>
          Headroom
        </a>
        <nav>
          <a href={href.experiments()}>Experiments</a>
          <a href="/graphiql">GraphiQL</a>
        </nav>
        <ApiKeyField />
      </header>
      <Page route={route} />
    </>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'experiments':
      return <ExperimentsPage />;
    // Keyed by id: another experiment or run is a fresh page, not the old one's state.
    case 'experiment':
      return <ExperimentPage key={route.id} id={route.id} />;
    case 'run':
      return <RunPage key={route.id} id={route.id} />;
    case 'compare':
      return <ComparePage key={route.ids.join(',')} ids={route.ids} />;
    case 'not-found':
      return (
        <main>
          <p className="error">
            There is no page at {route.hash}. <a href={href.experiments()}>Experiments</a>
          </p>
        </main>
      );
  }
}

import { TrafficDestination } from '../../lib';

/** Destinations without their authorization verdicts: what routing tests compare (authorization has tests of its own). */
export const routing = (destinations: readonly TrafficDestination[]) => destinations.map(({ authorization: _verdict, ...d }) => d);

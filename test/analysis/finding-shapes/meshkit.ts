import { ShapeFixture } from './fixture';

/** Inputs that make the checks of this part report (see finding-shape.test.ts). */
export const FIXTURES: readonly ShapeFixture[] = [
];

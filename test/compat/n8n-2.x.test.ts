/** The compatibility set against the pinned n8n 2.x (see compatibility.ts). */
import { compatibilitySuite } from './compatibility';

compatibilitySuite('2.x');

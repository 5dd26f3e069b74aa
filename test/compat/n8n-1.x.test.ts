/** The compatibility set against the pinned n8n 1.x (see compatibility.ts). */
import { compatibilitySuite } from './compatibility';

compatibilitySuite('1.x');
